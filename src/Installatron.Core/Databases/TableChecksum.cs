using Installatron.Core.Domain;

namespace Installatron.Core.Databases;

/// <summary>The tables a dump holds, in the order it holds them, with their checksums.</summary>
public sealed record TableDumpResult(IReadOnlyList<TableChecksum> Tables);
