using System.Runtime.Versioning;

// The benchmark reads /proc and runs tar, gzip and unzip: Linux only.
[assembly: UnsupportedOSPlatform("windows")]
