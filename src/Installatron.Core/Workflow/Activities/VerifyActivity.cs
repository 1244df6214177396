using Installatron.Core.Domain;
using Installatron.Core.Sites;
using Installatron.Core.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Installatron.Core.Workflow.Activities;

/// <summary>
/// Checks the updated tree against the target version's package (every core file present and identical) and, when
/// the target's release checksums are known, its core files against them; then that the site reports the versions
/// installed from its own files (<see cref="ReportedVersions"/>).
/// </summary>
[DurableTask(TaskNames.Verify)]
public sealed class VerifyActivity(UpdateWork work, UpdateFaults faults, CoreIntegrityCheck integrity, PackageCache packages, ILogger<VerifyActivity> logger)
    : UpdateActivity<bool>(work, logger)
{
    protected override UpdateStep Step => UpdateSteps.Verify;

    protected override async Task<bool> RunStepAsync(UpdateState state, UpdateInput input, CancellationToken ct)
    {
        await faults.AtAsync(UpdateFaults.BeforeVerify, input.TaskId, ct);
        var site = await state.SiteAsync(ct);
        if (state.Target is { } target)
        {
            var root = site.Root;
            // Apply left the package in this machine's cache; a step run on another machine fetches it again.
            var package = await packages.PathAsync(target, ct);
            var differences = await SiteVerifier.VerifyAgainstPackageAsync(site.Files, root, package, state.FilesFor(target), ct,
                await packages.DigestAsync(target, ct));
            if (differences.Count > 0)
            {
                throw new UpdateStepException(ErrorCodes.FailedVerify,
                    $"The updated site does not match {target.Application} {target.Version}: {string.Join("; ", differences.Take(5))}" +
                    (differences.Count > 5 ? $" and {differences.Count - 5} more." : "."));
            }

            if (await integrity.CheckAsync(site.Files, target.Application, target.Version, root, ct) is { } report
                && CoreIntegrityCheck.VerifyFailure(report, target.Application) is { } failure)
            {
                throw new UpdateStepException(ErrorCodes.FailedVerify, failure);
            }
        }

        var contradictions = await ReportedVersions.ContradictionsAsync(state, site, ct);
        if (contradictions.Count > 0)
        {
            throw new UpdateStepException(ErrorCodes.FailedVerify,
                $"After the update the site does not report the versions installed: {string.Join("; ", contradictions)}.");
        }

        return true;
    }
}
