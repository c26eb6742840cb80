#include "agent/chatagentloop.h"

#include "tools/jsonschemacheck.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>

namespace ktx {

namespace {

void emitEvent(const AgentEventSink &events, AgentEvent e)
{
    if (events)
        events(e);
}

QString structuredInstruction(const QJsonObject &schema)
{
    return QStringLiteral("\n\nWhen you are done, answer with only one JSON value that matches "
                          "this JSON Schema, "
                          "with no other text:\n")
        + QString::fromUtf8(QJsonDocument(schema).toJson(QJsonDocument::Compact));
}

} // namespace

QString ChatAgentLoop::stripCodeFence(const QString &text)
{
    QString t = text.trimmed();
    if (t.startsWith(QLatin1String("```"))) {
        const qsizetype firstNewline = t.indexOf(QLatin1Char('\n'));
        if (firstNewline < 0)
            return t;
        t = t.mid(firstNewline + 1);
        if (t.endsWith(QLatin1String("```")))
            t.chop(3);
    }
    return t.trimmed();
}

LoopResult ChatAgentLoop::run(ChatModel &model, const QString &modelId, const LoopRequest &request,
                              const AgentEventSink &events, int maxTokens)
{
    QElapsedTimer clock;
    clock.start();
    LoopResult result;
    result.model = modelId;
    const bool structured = !request.outputSchema.isEmpty();

    ChatRequest chat;
    chat.model = modelId;
    chat.system = request.systemPrompt
        + (structured ? structuredInstruction(request.outputSchema) : QString());
    chat.tools = &request.tools;
    chat.maxTokens = maxTokens;
    chat.messages.append(
        ChatMessage {ChatMessage::Role::User, {ChatBlock::textBlock(request.userPrompt)}});

    auto finish = [&](StopReason reason) {
        result.stopReason = reason;
        result.durationMs = clock.elapsed();
        return result;
    };
    const int budget = std::max(1, request.stepBudget);

    while (true) {
        if (request.cancel.isCancelled())
            return finish(StopReason::Cancelled);
        if (result.steps >= budget)
            return finish(StopReason::Budget);

        Result<ChatTurn> turn = model.complete(chat, request.cancel, events);
        if (!turn) {
            if (turn.error().code == QLatin1String("llm.cancelled"))
                return finish(StopReason::Cancelled);
            result.error = turn.error();
            return finish(StopReason::Error);
        }
        ++result.steps;
        result.usage += turn->usage;
        if (!turn->model.isEmpty())
            result.model = turn->model;

        const QString text = turn->text();
        if (!text.isEmpty()) {
            AgentEvent e;
            e.kind = AgentEvent::Kind::ModelText;
            e.text = text;
            emitEvent(events, e);
            result.finalText = text;
        }
        AgentEvent usage;
        usage.kind = AgentEvent::Kind::Usage;
        usage.usage = result.usage;
        emitEvent(events, usage);

        chat.messages.append(ChatMessage {ChatMessage::Role::Assistant, turn->blocks});
        const QList<ChatBlock> calls = turn->toolUses();

        if (calls.isEmpty()) {
            AgentEvent step;
            step.kind = AgentEvent::Kind::StepFinished;
            step.step = result.steps;
            emitEvent(events, step);
            if (turn->stopReason == QLatin1String("max_tokens")
                || turn->stopReason == QLatin1String("length")) {
                result.error = makeError(
                    QStringLiteral("llm.max_tokens"),
                    QStringLiteral("The model's answer was cut off at the output token limit."));
                return finish(StopReason::Error);
            }
            if (!structured)
                return finish(StopReason::Natural);

            const QJsonDocument doc = QJsonDocument::fromJson(stripCodeFence(text).toUtf8());
            const QJsonValue value = doc.isObject() ? QJsonValue(doc.object())
                : doc.isArray()                     ? QJsonValue(doc.array())
                                                    : QJsonValue(QJsonValue::Undefined);
            QStringList problems = value.isUndefined()
                ? QStringList {QStringLiteral("the answer is not a JSON object or array")}
                : JsonSchemaCheck::problems(request.outputSchema, value);
            if (problems.isEmpty()) {
                result.structured = value;
                return finish(StopReason::Natural);
            }
            if (result.steps >= budget) {
                result.error = makeError(
                    QStringLiteral("llm.structured_invalid"),
                    QStringLiteral("The model's answer did not match the expected JSON shape: %1")
                        .arg(problems.join(QLatin1String("; "))));
                return finish(StopReason::Error);
            }
            chat.messages.append(ChatMessage {
                ChatMessage::Role::User,
                {ChatBlock::textBlock(QStringLiteral("Your answer does not match the schema:\n- "
                                                     "%1\nAnswer again with only the JSON.")
                                          .arg(problems.join(QLatin1String("\n- "))))}});
            continue;
        }

        QList<ChatBlock> results;
        for (const ChatBlock &call : calls) {
            AgentEvent started;
            started.kind = AgentEvent::Kind::ToolCallStarted;
            started.toolCallId = call.id;
            started.toolName = call.name;
            started.input = call.input;
            emitEvent(events, started);

            QElapsedTimer toolClock;
            toolClock.start();
            ToolOutput out;
            if (request.cancel.isCancelled()) {
                out = ToolOutput::failure(QStringLiteral("The run was cancelled."));
            } else if (!call.rawArguments.isEmpty()) {
                out = ToolOutput::failure(
                    QStringLiteral("The arguments for %1 were not valid JSON: %2")
                        .arg(call.name, call.rawArguments.left(200)));
            } else {
                out = request.tools.call(call.name, call.input, request.cancel);
            }
            AgentEvent finished = started;
            finished.kind = AgentEvent::Kind::ToolCallFinished;
            finished.output = out.text;
            finished.isError = out.isError;
            finished.durationMs = toolClock.elapsed();
            emitEvent(events, finished);
            results << ChatBlock::toolResult(call.id, out.text, out.isError);
        }
        chat.messages.append(ChatMessage {ChatMessage::Role::User, results});

        AgentEvent step;
        step.kind = AgentEvent::Kind::StepFinished;
        step.step = result.steps;
        emitEvent(events, step);
    }
}

} // namespace ktx
