#include "serve/jsonrpc.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ktx {

QJsonObject JsonRpc::result(const QJsonValue &id, const QJsonValue &result)
{
    return QJsonObject {{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                        {QStringLiteral("id"), id},
                        {QStringLiteral("result"), result}};
}

QJsonObject JsonRpc::error(const QJsonValue &id, int code, const QString &message)
{
    return QJsonObject {
        {QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
        {QStringLiteral("id"), id.isUndefined() ? QJsonValue(QJsonValue::Null) : id},
        {QStringLiteral("error"),
         QJsonObject {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}}}};
}

QByteArray JsonRpc::encode(const QJsonObject &message)
{
    return QJsonDocument(message).toJson(QJsonDocument::Compact);
}

QJsonValue JsonRpc::parse(QByteArrayView text, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text.toByteArray(), &parseError);
    if (parseError.error == QJsonParseError::NoError)
        return document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
    // QJsonDocument refuses top-level scalars; wrapped in an array they parse.
    const QJsonDocument wrapped = QJsonDocument::fromJson('[' + text.toByteArray() + ']');
    if (wrapped.isArray() && wrapped.array().size() == 1)
        return wrapped.array().first();
    *error = QStringLiteral("%1 at offset %2").arg(parseError.errorString()).arg(parseError.offset);
    return QJsonValue(QJsonValue::Undefined);
}

bool JsonRpc::isValidId(const QJsonValue &id)
{
    return id.isString() || id.isDouble();
}

QString JsonRpc::idKey(const QJsonValue &id)
{
    if (id.isString())
        return QLatin1String("s:") + id.toString();
    return QLatin1String("n:") + QString::number(id.toDouble(), 'g', 17);
}

} // namespace ktx
