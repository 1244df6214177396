namespace Installatron.Core.Domain;

/// <summary>
/// One table's figures: its row count and the SHA-256 of its canonical encoding (its <c>SHOW CREATE TABLE</c> without
/// the <c>AUTO_INCREMENT=</c> counter, then every row in primary-key order; see <c>Databases.TableHasher</c>).
/// </summary>
public sealed record TableChecksum(string Table, long Rows, string Sha256);
