#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace ktx {

// JSON-RPC 2.0 message shapes and error codes, as MCP uses them.
class JsonRpc
{
public:
    enum ErrorCode {
        ParseError = -32700,
        InvalidRequest = -32600,
        MethodNotFound = -32601,
        InvalidParams = -32602,
        InternalError = -32603,
        // Streamable HTTP transport errors (the codes the TypeScript SDK uses).
        TransportError = -32000,
        SessionNotFound = -32001,
        // A request cancelled by the client, when the transport must still
        // close the exchange (LSP's RequestCancelled).
        RequestCancelled = -32800,
    };

    static QJsonObject result(const QJsonValue &id, const QJsonValue &result);
    // `id` is null when the request's id could not be read.
    static QJsonObject error(const QJsonValue &id, int code, const QString &message);
    static QByteArray encode(const QJsonObject &message);

    // Parses one message text. Unlike QJsonDocument it also accepts a scalar
    // ("42"), so that the caller can answer "not an object" (-32600) rather
    // than "not JSON" (-32700). On failure returns Undefined and sets `error`.
    static QJsonValue parse(QByteArrayView text, QString *error);

    // MCP ids are strings or numbers (integers in practice), never null.
    static bool isValidId(const QJsonValue &id);
    // A hash key that tells 1 from "1".
    static QString idKey(const QJsonValue &id);
};

} // namespace ktx
