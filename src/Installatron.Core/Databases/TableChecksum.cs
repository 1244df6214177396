namespace Installatron.Core.Databases;

/// <summary>
/// One table's figures: its row count and the SHA-256 of its canonical encoding (its <c>SHOW CREATE TABLE</c> without
/// the <c>AUTO_INCREMENT=</c> counter, then every row in primary-key order; see <see cref="TableHasher"/>).
/// </summary>
public sealed record TableChecksum(string Table, long Rows, string Sha256);

/// <summary>The tables a dump holds, in the order it holds them, with their checksums.</summary>
public sealed record TableDumpResult(IReadOnlyList<TableChecksum> Tables);
