#include "ingest/livedatabaseevidence.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace ktx {

namespace {

QByteArray toJson(const QJsonValue &value)
{
    return value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Indented)
                           : QJsonDocument(value.toObject()).toJson(QJsonDocument::Indented);
}

QString b64url(const QString &part)
{
    const QString text = part.isEmpty() ? QStringLiteral("_") : part;
    return QString::fromLatin1(
        text.toUtf8().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString tablePath(const TableRef &ref)
{
    QStringList parts;
    for (const QString &p : {ref.catalog, ref.db, ref.name})
        if (!p.isEmpty())
            parts << p;
    return parts.join(QLatin1Char('.'));
}

} // namespace

QString LiveDatabaseEvidence::tableFileName(const TableRef &ref)
{
    return QStringLiteral("tables/%1.%2.%3.json")
        .arg(b64url(ref.catalog), b64url(ref.db), b64url(ref.name));
}

QMap<QString, QByteArray> LiveDatabaseEvidence::files(const SchemaSnapshot &snapshot,
                                                      const QJsonArray &relationships)
{
    QMap<QString, QByteArray> out;
    QJsonObject connection {
        {QStringLiteral("connectionId"), snapshot.connectionId},
        {QStringLiteral("driver"), snapshot.driver},
        {QStringLiteral("extractedAt"), snapshot.extractedAt.toUTC().toString(Qt::ISODateWithMs)},
        {QStringLiteral("scope"), snapshot.scope},
        {QStringLiteral("metadata"), snapshot.metadata},
        {QStringLiteral("tableCount"), snapshot.tables.size()},
    };
    out.insert(QStringLiteral("connection.json"), toJson(connection));

    struct Fk
    {
        QString sortKey;
        QJsonObject json;
    };
    std::vector<Fk> fks;
    for (const SchemaTable &table : snapshot.tables) {
        out.insert(tableFileName(table.ref), toJson(table.toJson()));
        for (const SchemaForeignKey &fk : table.foreignKeys) {
            QJsonObject json {{QStringLiteral("fromTablePath"), tablePath(table.ref)},
                              {QStringLiteral("fromCatalog"), table.ref.catalog},
                              {QStringLiteral("fromDb"), table.ref.db},
                              {QStringLiteral("fromTable"), table.ref.name},
                              {QStringLiteral("fromColumn"), fk.fromColumn},
                              {QStringLiteral("toCatalog"), fk.toCatalog},
                              {QStringLiteral("toDb"), fk.toDb},
                              {QStringLiteral("toTable"), fk.toTable},
                              {QStringLiteral("toColumn"), fk.toColumn},
                              {QStringLiteral("constraintName"), fk.constraintName}};
            fks.push_back({tablePath(table.ref) + QLatin1Char('\x1f') + fk.fromColumn
                               + QLatin1Char('\x1f') + fk.toTable,
                           json});
        }
    }
    std::sort(fks.begin(), fks.end(),
              [](const Fk &a, const Fk &b) { return a.sortKey < b.sortKey; });
    QJsonArray fkArray;
    for (const Fk &fk : fks)
        fkArray.append(fk.json);
    out.insert(QStringLiteral("foreign-keys.json"), toJson(fkArray));
    out.insert(QStringLiteral("warnings.json"),
               toJson(QJsonArray::fromStringList(snapshot.warnings)));
    out.insert(QStringLiteral("relationships.json"), toJson(relationships));
    return out;
}

QByteArray LiveDatabaseEvidence::contentHash(const QMap<QString, QByteArray> &files)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        QByteArray bytes = it.value();
        if (it.key() == QLatin1String("connection.json")) {
            QJsonObject object = QJsonDocument::fromJson(bytes).object();
            object.remove(QStringLiteral("extractedAt"));
            bytes = QJsonDocument(object).toJson(QJsonDocument::Compact);
        }
        hash.addData(it.key().toUtf8());
        hash.addData(QByteArrayView("\0", 1));
        hash.addData(bytes);
        hash.addData(QByteArrayView("\0", 1));
    }
    return hash.result().toHex();
}

QString LiveDatabaseEvidence::latestSyncDir(const QString &projectDir, const QString &connectionId)
{
    const QDir dir(
        QDir(projectDir)
            .filePath(QStringLiteral("raw-sources/%1/%2").arg(connectionId, sourceKey())));
    QStringList syncs = dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    // Only complete snapshots count: connection.json is written with the rest.
    while (!syncs.isEmpty()
           && !QFileInfo::exists(dir.filePath(syncs.last() + QStringLiteral("/connection.json"))))
        syncs.removeLast();
    return syncs.isEmpty() ? QString() : dir.filePath(syncs.last());
}

QMap<QString, QByteArray> LiveDatabaseEvidence::readSyncDir(const QString &dirPath)
{
    QMap<QString, QByteArray> out;
    const QDir root(dirPath);
    QDirIterator it(dirPath, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (file.open(QIODevice::ReadOnly))
            out.insert(root.relativeFilePath(path), file.readAll());
    }
    return out;
}

QString LiveDatabaseEvidence::profilesPath(const QString &projectDir, const QString &connectionId)
{
    return QDir(projectDir).filePath(QStringLiteral(".ktx/profiles/%1.json").arg(connectionId));
}

} // namespace ktx
