#pragma once

#include "core/cancellationtoken.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QString>

namespace ktx {

// What McpServer remembers about one client: the negotiated protocol version,
// its info and capabilities, the log level it asked for, and its tool calls in
// flight (cancelled when the session goes). Transports own sessions: stdio has
// one, Streamable HTTP one per Mcp-Session-Id. Lives in the server's thread.
class McpSession : public QObject
{
    Q_OBJECT

public:
    explicit McpSession(QObject *parent = nullptr);
    ~McpSession() override;

    // True once initialize has been answered successfully.
    bool isInitialized() const { return !m_protocolVersion.isEmpty(); }
    // True once the client sent notifications/initialized.
    bool isClientReady() const { return m_clientReady; }
    QString protocolVersion() const { return m_protocolVersion; }
    QJsonObject clientInfo() const { return m_clientInfo; }
    QJsonObject clientCapabilities() const { return m_clientCapabilities; }
    QString logLevel() const { return m_logLevel; }
    int callsInFlight() const { return int(m_inFlight.size()); }

    // Cancels every tool call in flight, as a client hang-up does.
    void cancelAll();

private:
    friend class McpServer;

    QString m_protocolVersion;
    QJsonObject m_clientInfo;
    QJsonObject m_clientCapabilities;
    QString m_logLevel = QStringLiteral("info");
    bool m_clientReady = false;
    QHash<QString, CancellationToken> m_inFlight; // JsonRpc::idKey -> token
};

} // namespace ktx
