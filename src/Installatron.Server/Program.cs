using Installatron.Server;

var app = await InstallatronServer.BuildAsync(args, Console.Out);
await app.StartAsync();
InstallatronServer.PrintWelcome(app, Console.Out);
await app.WaitForShutdownAsync();
