#pragma once

#include "core/cancellationtoken.h"
#include "core/result.h"
#include "tools/toolset.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <functional>

namespace ktx {

// Why an agent loop ended.
enum class StopReason {
    Natural, // the model finished on its own
    Budget, // the step budget ran out (or the CLI's max-turns did)
    Error, // the model, the transport or the agent CLI failed
    Cancelled, // the caller cancelled
};

QString stopReasonName(StopReason reason);

struct TokenUsage
{
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 cacheReadTokens = 0;
    qint64 cacheWriteTokens = 0;

    qint64 total() const { return inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens; }
    TokenUsage &operator+=(const TokenUsage &other)
    {
        inputTokens += other.inputTokens;
        outputTokens += other.outputTokens;
        cacheReadTokens += other.cacheReadTokens;
        cacheWriteTokens += other.cacheWriteTokens;
        return *this;
    }
};

// One thing that happened inside a loop, as it happened. Delivered on the
// loop's worker thread; consumers marshal them to the GUI thread and batch them.
struct AgentEvent
{
    enum class Kind {
        ModelText, // text: assistant text of the step
        ToolCallStarted, // toolCallId, toolName, input
        ToolCallFinished, // toolCallId, toolName, input, output, isError, durationMs
        StepFinished, // step: the number of steps completed so far
        Usage, // usage: running totals
        RateLimitWait, // waitMs, text: why (status / retry-after)
        Retry, // attempt, waitMs, text: the error being retried
        Notice, // text: a non-fatal message from the backend (e.g. a CLI warning)
    };
    Kind kind = Kind::Notice;
    QString text;
    QString toolCallId;
    QString toolName;
    QJsonObject input;
    QString output;
    bool isError = false;
    qint64 durationMs = 0;
    int step = 0;
    int attempt = 0;
    qint64 waitMs = 0;
    TokenUsage usage;
};

QString agentEventKindName(AgentEvent::Kind kind);
QJsonObject agentEventToJson(const AgentEvent &event);

using AgentEventSink = std::function<void(const AgentEvent &)>;

// The one call every backend answers: run the model with these tools until it
// stops, the budget ends, it fails, or the caller cancels. A single-shot text
// call is a loop with no tools and a budget of 1; a structured call sets
// outputSchema and reads LoopResult::structured.
struct LoopRequest
{
    QString role = QStringLiteral(
        "default"); // default | triage | candidateExtraction | curator | reconcile | repair
    QString systemPrompt;
    QString userPrompt;
    ToolSet tools;
    int stepBudget = 40;
    QJsonObject outputSchema; // empty: free text
    CancellationToken cancel;
};

struct LoopResult
{
    StopReason stopReason = StopReason::Natural;
    int steps = 0;
    TokenUsage usage;
    double costUsd = -1; // what the backend says the loop cost; < 0 when it does not say
    QString finalText;
    QJsonValue structured; // Undefined unless the request had an outputSchema
    Error error; // set when stopReason is Error
    qint64 durationMs = 0;
    QString model;

    // This result, ended by an error.
    LoopResult failed(const QString &code, const QString &message, const QString &hint = {}) const
    {
        LoopResult r = *this;
        r.stopReason = StopReason::Error;
        r.error = makeError(code, message, hint);
        return r;
    }
};

} // namespace ktx
