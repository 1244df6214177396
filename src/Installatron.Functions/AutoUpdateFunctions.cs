using Installatron.Core.Outbound;
using Installatron.Core.Workflow;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Installatron.Functions;

/// <summary>Installatron's automatic updates: a sweep started on the schedule of <c>INSTALLATRON_AUTOUPDATE_SCHEDULE</c> (the Bicep sets every 6 hours), unless one still runs, then the announcement of newly available versions.</summary>
public sealed class AutoUpdateFunctions(AutoUpdateSweep updater)
{
    [Function("AutoUpdate")]
    public Task<SweepStart> Run([TimerTrigger(FunctionsOptions.AutoUpdateScheduleExpression)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        updater.RunOnceAsync(client, context.CancellationToken);
}
