#pragma once

#include "serve/mcptoolcall.h"
#include "tools/toolset.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <functional>

namespace ktx {

class McpSession;

// The MCP protocol core, independent of any transport: JSON-RPC 2.0 over a
// ToolSet. Handles initialize (versions 2025-03-26, 2025-06-18 and 2025-11-25,
// and 2024-11-05 for older clients), notifications/initialized, ping,
// tools/list, tools/call, logging/setLevel and notifications/cancelled.
//
// Tool calls run on the server's own thread pool, never on its thread, each
// with a CancellationToken that notifications/cancelled, cancel() or the end of
// the session trips. Errors follow the spec: unknown tool or malformed
// tools/call params -> JSON-RPC -32602; arguments that fail the tool's input
// schema and failures inside the tool -> a result with isError:true (what
// 2025-11-25 requires, and what a model can act on). Batches are answered only
// in sessions that negotiated 2025-03-26 (the one version that allowed them).
//
// The server lives in one thread; call handle() and cancel() there. Replies
// are delivered there too.
class McpServer : public QObject
{
    Q_OBJECT

public:
    // Receives the answer to one handled message: a compact JSON text (an
    // object, or an array for a batch). An empty QByteArray means "no answer": the
    // request was cancelled and, per spec, gets no response.
    using Reply = std::function<void(const QByteArray &message)>;

    explicit McpServer(ToolSet tools, QObject *parent = nullptr);
    ~McpServer() override;

    // serverInfo in the initialize result; defaults: "ktx", the app version.
    void setServerInfo(const QString &name, const QString &version, const QString &title = {});
    // Optional guidance returned by initialize for the model.
    void setInstructions(const QString &instructions) { m_instructions = instructions; }
    // Annotation hints as the original ktx lists them: readOnlyHint and
    // idempotentHint only when true, destructiveHint only for a tool that is
    // not read-only, openWorldHint always. Same meaning under the MCP defaults
    // as the explicit form (the default), which spells out every hint.
    void setCompactAnnotations(bool compact) { m_compactAnnotations = compact; }
    // How many tool calls run at once (default: at least 4).
    void setMaxConcurrentCalls(int calls) { m_pool.setMaxThreadCount(calls); }
    const ToolSet &tools() const { return m_tools; }

    static QStringList supportedProtocolVersions();
    static QString latestProtocolVersion();

    // Handles one message text from `session`. Returns true when `reply` will
    // be called exactly once (possibly before handle() returns), false when
    // the message needs no answer (a notification, or a client's response).
    bool handle(McpSession *session, QByteArrayView text, const Reply &reply);
    // The same for a message the transport has already parsed.
    bool handle(McpSession *session, const QJsonValue &message, const Reply &reply);

    // Cancels a request in flight, as notifications/cancelled does. Transports
    // call it when the client goes away in the middle of a call.
    void cancel(McpSession *session, const QJsonValue &requestId);

Q_SIGNALS:
    void toolCallStarted(const ktx::McpToolCall &call);
    void toolCallFinished(const ktx::McpToolCall &call);

private:
    using ObjectReply = std::function<void(const QJsonObject &message)>;

    struct PendingCall
    {
        QPointer<McpSession> session;
        QString key;
        ObjectReply reply;
        CancellationToken token;
        McpToolCall record;
    };

    bool handleBatch(McpSession *session, const QJsonArray &batch, const Reply &reply);
    bool handleOne(McpSession *session, const QJsonValue &message, const ObjectReply &reply);
    void handleNotification(McpSession *session, const QString &method, const QJsonObject &params);
    bool handleRequest(McpSession *session, const QJsonValue &id, const QString &method,
                       const QJsonObject &params, const ObjectReply &reply);
    QJsonObject initialize(McpSession *session, const QJsonValue &id, const QJsonObject &params);
    QJsonObject listTools(const QString &version) const;
    bool callTool(McpSession *session, const QJsonValue &id, const QJsonObject &params,
                  const ObjectReply &reply);
    void finishCall(quint64 serial, const ToolOutput &output, double durationMs);
    QJsonObject toolResult(const ToolOutput &output, const QString &version) const;

    ToolSet m_tools;
    QString m_name;
    QString m_version;
    QString m_title;
    QString m_instructions;
    bool m_compactAnnotations = false;
    quint64 m_nextSerial = 0;
    QHash<quint64, PendingCall> m_pending;
    // Declared last so it is destroyed first: its destructor waits for running
    // calls, which use the members above.
    QThreadPool m_pool;
};

} // namespace ktx
