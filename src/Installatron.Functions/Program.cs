using Installatron.Core;
using Installatron.Core.Logging;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Logging.AddInstallatronLogFilters();
builder.Services.AddInstallatronCore(builder.Configuration);
builder.Build().Run();
