using System.Globalization;
using System.Text;

namespace Installatron.Bench.Live;

/// <summary>The markdown of bench/live.sh: every run, the medians, the ratios, the median of each part.</summary>
public static class LiveReport
{
    public static string Markdown(IReadOnlyList<LiveRun> runs, int files, long bytes, IReadOnlyList<string> loads)
    {
        var text = new StringBuilder();
        var rounds = runs.Select(r => r.Round).Distinct().Order().ToList();
        text.AppendLine(CultureInfo.InvariantCulture, $"Live site: {files:N0} files, {bytes / 1e6:N1} MB; {rounds.Count} rounds after a warm-up, sides interleaved.");
        text.AppendLine();
        Table(text, runs, rounds, [LiveBench.ByHand, LiveBench.FirstBackup, LiveBench.EarlierBackup], "by hand");
        text.AppendLine();
        Table(text, runs, rounds, [LiveBench.TarExtract, LiveBench.Restore], "tar xzf");
        text.AppendLine();
        text.AppendLine("Median of each part (s):");
        text.AppendLine();
        foreach (var side in new[] { LiveBench.ByHand, LiveBench.FirstBackup, LiveBench.EarlierBackup, LiveBench.Restore })
        {
            var mine = runs.Where(r => r.Side == side).ToList();
            var parts = mine.SelectMany(r => r.Parts.Select(p => p.Part)).Distinct();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"- {side}: {string.Join(", ", parts.Select(p => $"{p} {Median(mine.Select(r => r.Parts.Where(x => x.Part == p).Sum(x => x.Seconds))):0.00}"))}");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Load average (1/5/15 min) at the start and after each round: {string.Join("; ", loads.Select(l => string.Join(' ', l.Split(' ').Take(3))))}");
        return text.ToString();
    }

    /// <summary>One row per side, every round, the median and its ratio to the first side's median.</summary>
    private static void Table(StringBuilder text, IReadOnlyList<LiveRun> runs, IReadOnlyList<int> rounds, string[] sides, string reference)
    {
        text.AppendLine($"| side | {string.Join(" | ", rounds.Select(r => $"round {r} (s)"))} | median (s) | ratio to {reference} |");
        text.AppendLine($"|---|{string.Concat(rounds.Select(_ => "---:|"))}---:|---:|");
        var first = Median(runs.Where(r => r.Side == sides[0]).Select(r => r.Seconds));
        foreach (var side in sides)
        {
            var mine = runs.Where(r => r.Side == side).ToList();
            var median = Median(mine.Select(r => r.Seconds));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {side} | {string.Join(" | ", rounds.Select(r => mine.Where(m => m.Round == r).Select(m => m.Seconds.ToString("0.00", CultureInfo.InvariantCulture)).FirstOrDefault("—")))} | {median:0.00} | {median / first:0.00}× |");
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
