using Installatron.Core.Outbound.Workflow;
using Installatron.Core.Workflow;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Installatron.Functions;

/// <summary>
/// The notification delivery orchestration and its activities as Durable Functions. The activities start delivery
/// orchestrations, so they get the function's <c>[DurableClient]</c> as their client.
/// </summary>
public sealed class NotificationFunctions
{
    [Function(NotificationTaskNames.Deliver)]
    public Task<string> Deliver([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new DeliveryOrchestrator().RunAsync(context, context.GetInput<string>()!);

    [Function(NotificationTaskNames.Notify)]
    public Task<int> Notify([ActivityTrigger] UpdateInput input, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        Run<NotifyActivity, UpdateInput, int>(context, client, NotificationTaskNames.Notify, input);

    [Function(NotificationTaskNames.Attempt)]
    public Task<DeliveryAttempt> Attempt([ActivityTrigger] string deliveryId, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        Run<DeliveryAttemptActivity, string, DeliveryAttempt>(context, client, NotificationTaskNames.Attempt, deliveryId);

    private static Task<TOutput> Run<TActivity, TInput, TOutput>(FunctionContext context, DurableTaskClient client, string name, TInput input)
        where TActivity : TaskActivity<TInput, TOutput> =>
        ActivatorUtilities.CreateInstance<TActivity>(context.InstanceServices, client)
            .RunAsync(new WorkflowFunctions.FunctionActivityContext(name, context.InvocationId), input);
}
