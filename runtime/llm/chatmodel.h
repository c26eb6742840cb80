#pragma once

#include "llm/llmtypes.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace ktx {

// Provider-neutral conversation pieces for the HTTP backends, which run our own
// loop (runtime/agent). Thinking blocks are kept opaque and echoed back, as the
// Anthropic API requires inside a tool loop.
struct ChatBlock
{
    enum class Kind { Text, ToolUse, ToolResult, Thinking };
    Kind kind = Kind::Text;
    QString text; // Text; ToolResult content; Thinking text
    QString id; // ToolUse id; ToolResult: the tool_use id it answers
    QString name; // ToolUse
    QJsonObject input; // ToolUse
    bool isError = false; // ToolResult
    QString signature; // Thinking
    QString rawArguments; // ToolUse: the arguments as the model sent them, when they were not valid
                          // JSON

    static ChatBlock textBlock(QString text);
    static ChatBlock toolUse(QString id, QString name, QJsonObject input);
    static ChatBlock toolResult(QString toolUseId, QString content, bool isError);
};

struct ChatMessage
{
    enum class Role { User, Assistant };
    Role role = Role::User;
    QList<ChatBlock> blocks;
};

struct ChatRequest
{
    QString model;
    QString system;
    QList<ChatMessage> messages;
    const ToolSet *tools = nullptr; // may be null or empty
    int maxTokens = 8192;
};

// One assistant turn.
struct ChatTurn
{
    QList<ChatBlock> blocks;
    QString stopReason; // as the provider said it (end_turn, tool_use, stop, tool_calls,
                        // max_tokens, ...)
    TokenUsage usage;
    QString model;

    QString text() const;
    QList<ChatBlock> toolUses() const;
};

// One request/response exchange with a model. Implementations retry transient
// failures through the RequestGovernor and report waits as events.
class ChatModel
{
public:
    virtual ~ChatModel() = default;
    virtual QString providerName() const = 0;
    virtual Result<ChatTurn> complete(const ChatRequest &request, const CancellationToken &cancel,
                                      const AgentEventSink &events)
        = 0;
};

} // namespace ktx
