using System.Runtime.Versioning;

// These tests start sshd, MariaDB and PHP and build real trees with Unix modes and symbolic links: Linux hosts only.
[assembly: UnsupportedOSPlatform("windows")]
