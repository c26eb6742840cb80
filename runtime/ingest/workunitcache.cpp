#include "ingest/workunitcache.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ktx {

namespace {

QJsonValue b64(const std::optional<QByteArray> &bytes)
{
    return bytes ? QJsonValue(QString::fromLatin1(bytes->toBase64())) : QJsonValue();
}

std::optional<QByteArray> unb64(const QJsonValue &v)
{
    if (v.isNull() || v.isUndefined())
        return std::nullopt;
    return QByteArray::fromBase64(v.toString().toLatin1());
}

} // namespace

QString WorkUnitCache::key(const WorkUnit &unit, const BaseTree &base, const QString &syncDir,
                           const QString &connectionId, const QString &sourceKey,
                           const QString &promptFingerprint, const QString &role,
                           const QString &appVersion)
{
    QJsonArray files;
    QStringList paths = unit.rawFiles + unit.dependencyPaths;
    paths.sort();
    const QString prefix = syncDir + QLatin1Char('/');
    for (const QString &path : std::as_const(paths)) {
        const auto it = base.constFind(path);
        const QString rel = path.startsWith(prefix) ? path.mid(prefix.size()) : path;
        QByteArray bytes = it == base.cend() ? QByteArray() : it.value();
        if (rel == QLatin1String("connection.json")) {
            QJsonObject o = QJsonDocument::fromJson(bytes).object();
            o.remove(QStringLiteral("extractedAt"));
            bytes = QJsonDocument(o).toJson(QJsonDocument::Compact);
        }
        files.append(QJsonObject {
            {QStringLiteral("path"), rel},
            {QStringLiteral("status"),
             it == base.cend() ? QStringLiteral("missing") : QStringLiteral("present")},
            {QStringLiteral("hash"),
             QString::fromLatin1(
                 QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex())}});
    }
    const QJsonObject input {{QStringLiteral("schemaVersion"), SchemaVersion},
                             {QStringLiteral("connectionId"), connectionId},
                             {QStringLiteral("sourceKey"), sourceKey},
                             {QStringLiteral("unitKey"), unit.unitKey},
                             {QStringLiteral("files"), files},
                             {QStringLiteral("appVersion"), appVersion},
                             {QStringLiteral("promptFingerprint"), promptFingerprint},
                             {QStringLiteral("role"), role}};
    return QString::fromLatin1(
        QCryptographicHash::hash(QJsonDocument(input).toJson(QJsonDocument::Compact),
                                 QCryptographicHash::Sha256)
            .toHex());
}

QByteArray WorkUnitCache::encode(const WorkUnitOutcome &outcome)
{
    QJsonArray images;
    for (const FileImage &image : outcome.images)
        images.append(QJsonObject {{QStringLiteral("path"), image.path},
                                   {QStringLiteral("before"), b64(image.before)},
                                   {QStringLiteral("after"), b64(image.after)}});
    QJsonObject o {{QStringLiteral("schemaVersion"), SchemaVersion},
                   {QStringLiteral("report"), outcome.report.toJson()},
                   {QStringLiteral("images"), images}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<WorkUnitOutcome> WorkUnitCache::decode(const QByteArray &payload)
{
    const QJsonObject o = QJsonDocument::fromJson(payload).object();
    if (o.value(QStringLiteral("schemaVersion")).toInt() != SchemaVersion)
        return std::nullopt;
    WorkUnitOutcome out;
    const QJsonObject r = o.value(QStringLiteral("report")).toObject();
    out.report.unitKey = r.value(QStringLiteral("unitKey")).toString();
    for (const QJsonValue &v : r.value(QStringLiteral("rawFiles")).toArray())
        out.report.rawFiles << v.toString();
    out.report.status = r.value(QStringLiteral("status")).toString();
    out.report.steps = r.value(QStringLiteral("steps")).toInt();
    out.report.toolCalls = r.value(QStringLiteral("toolCalls")).toInt();
    for (const QJsonValue &v : r.value(QStringLiteral("touchedSlSources")).toArray())
        out.report.touchedSlSources << v.toString();
    for (const QJsonValue &v : r.value(QStringLiteral("actions")).toArray()) {
        const QJsonObject a = v.toObject();
        IngestAction action;
        action.target = a.value(QStringLiteral("target")).toString();
        action.type = a.value(QStringLiteral("type")).toString();
        action.key = a.value(QStringLiteral("key")).toString();
        action.path = a.value(QStringLiteral("path")).toString();
        action.detail = a.value(QStringLiteral("detail")).toString();
        action.targetConnectionId = a.value(QStringLiteral("targetConnectionId")).toString();
        for (const QJsonValue &p : a.value(QStringLiteral("rawPaths")).toArray())
            action.rawPaths << p.toString();
        out.report.actions << action;
    }
    for (const QJsonValue &v : o.value(QStringLiteral("images")).toArray()) {
        const QJsonObject i = v.toObject();
        out.images << FileImage {i.value(QStringLiteral("path")).toString(),
                                 unb64(i.value(QStringLiteral("before"))),
                                 unb64(i.value(QStringLiteral("after")))};
    }
    return out;
}

bool WorkUnitCache::replayable(const WorkUnitOutcome &outcome, const BaseTree &base)
{
    for (const FileImage &image : outcome.images) {
        const auto it = base.constFind(image.path);
        const std::optional<QByteArray> current
            = it == base.cend() ? std::nullopt : std::optional<QByteArray>(it.value());
        if (current != image.before && current != image.after)
            return false;
    }
    return true;
}

} // namespace ktx
