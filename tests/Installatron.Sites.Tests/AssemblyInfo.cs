using System.Runtime.Versioning;

// These tests build real trees with Unix modes and symbolic links; the engine serves Linux hosts.
[assembly: UnsupportedOSPlatform("windows")]
