#include "ingest/ingestsourceadapter.h"

#include "db/schemasnapshot.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

namespace ktx {

Result<QString> LiveDatabaseAdapter::latestSync(const BaseTree &base,
                                                const QString &connectionId) const
{
    const QString prefix = QStringLiteral("raw-sources/%1/live-database/").arg(connectionId);
    QString latest;
    for (auto it = base.cbegin(); it != base.cend(); ++it) {
        if (!it.key().startsWith(prefix) || !it.key().endsWith(QLatin1String("/connection.json")))
            continue;
        const QString sync = it.key().mid(prefix.size()).section(QLatin1Char('/'), 0, 0);
        if (it.key() == prefix + sync + QStringLiteral("/connection.json") && sync > latest)
            latest = sync;
    }
    if (latest.isEmpty())
        return makeError(
            QStringLiteral("no_snapshot"),
            QStringLiteral("No schema snapshot of \"%1\" is committed.").arg(connectionId),
            QStringLiteral("The structural ingest writes it; run `ktx ingest %1`.")
                .arg(connectionId));
    return QString(prefix + latest);
}

QJsonObject IngestSourceAdapter::hashes(const BaseTree &base, const QString &syncDir) const
{
    QJsonObject out;
    const QString prefix = syncDir + QLatin1Char('/');
    for (auto it = base.cbegin(); it != base.cend(); ++it)
        if (it.key().startsWith(prefix))
            out.insert(
                it.key().mid(prefix.size()),
                QString::fromLatin1(
                    QCryptographicHash::hash(it.value(), QCryptographicHash::Sha256).toHex()));
    return out;
}

QJsonObject LiveDatabaseAdapter::hashes(const BaseTree &base, const QString &syncDir) const
{
    QJsonObject out;
    const QString prefix = syncDir + QLatin1Char('/');
    for (auto it = base.cbegin(); it != base.cend(); ++it) {
        if (!it.key().startsWith(prefix))
            continue;
        const QString rel = it.key().mid(prefix.size());
        QByteArray bytes = it.value();
        if (rel == QLatin1String("connection.json")) {
            // The scan time is not a change (ktx-internals §1.1).
            QJsonObject o = QJsonDocument::fromJson(bytes).object();
            o.remove(QStringLiteral("extractedAt"));
            bytes = QJsonDocument(o).toJson(QJsonDocument::Compact);
        }
        out.insert(rel,
                   QString::fromLatin1(
                       QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()));
    }
    return out;
}

IngestDiff LiveDatabaseAdapter::diff(const QJsonObject &current, const QJsonObject &prior)
{
    IngestDiff d;
    d.hashes = current;
    for (auto it = current.constBegin(); it != current.constEnd(); ++it) {
        if (!prior.contains(it.key()))
            d.added << it.key();
        else if (prior.value(it.key()) != it.value())
            d.modified << it.key();
        else
            d.unchanged << it.key();
    }
    for (auto it = prior.constBegin(); it != prior.constEnd(); ++it)
        if (!current.contains(it.key()))
            d.deleted << it.key();
    return d;
}

QString LiveDatabaseAdapter::unitKeyFor(const QString &tableFileRel, const QByteArray &tableJson)
{
    const SchemaTable table = SchemaTable::fromJson(QJsonDocument::fromJson(tableJson).object());
    QString key = QStringLiteral("live-database-%1-%2-%3")
                      .arg(table.ref.catalog, table.ref.db, table.ref.name)
                      .toLower();
    if (table.ref.name.isEmpty())
        key = QStringLiteral("live-database-") + tableFileRel.toLower();
    static const QRegularExpression nonAlnum(QStringLiteral("[^a-z0-9]+"));
    key.replace(nonAlnum, QStringLiteral("-"));
    return key;
}

QList<WorkUnit> LiveDatabaseAdapter::plan(const BaseTree &base, const QString &syncDir,
                                          const IngestDiff &diff) const
{
    const QStringList shared {QStringLiteral("connection.json"),
                              QStringLiteral("foreign-keys.json")};
    const bool sharedChanged = std::any_of(shared.cbegin(), shared.cend(), [&](const QString &s) {
        return diff.added.contains(s) || diff.modified.contains(s);
    });
    QStringList tables;
    for (auto it = diff.hashes.constBegin(); it != diff.hashes.constEnd(); ++it)
        if (it.key().startsWith(QLatin1String("tables/")))
            tables << it.key();
    tables.sort();
    const QSet<QString> changed(diff.added.cbegin(), diff.added.cend());
    const QSet<QString> modified(diff.modified.cbegin(), diff.modified.cend());
    QList<WorkUnit> units;
    QStringList allPaths;
    for (const QString &t : std::as_const(tables))
        allPaths << syncDir + QLatin1Char('/') + t;
    for (const QString &rel : std::as_const(tables)) {
        if (!sharedChanged && !changed.contains(rel) && !modified.contains(rel))
            continue;
        const QString path = syncDir + QLatin1Char('/') + rel;
        const QByteArray json = base.value(path);
        const SchemaTable table = SchemaTable::fromJson(QJsonDocument::fromJson(json).object());
        WorkUnit unit;
        unit.unitKey = unitKeyFor(rel, json);
        unit.displayLabel = table.ref.displayName();
        unit.rawFiles = {path};
        for (const QString &s : shared)
            unit.dependencyPaths << syncDir + QLatin1Char('/') + s;
        for (const QString &peer : std::as_const(allPaths))
            if (peer != path)
                unit.peerFileIndex << peer;
        unit.notes = QStringLiteral("Table %1 (%2, %3 columns%4).")
                         .arg(table.ref.displayName(), table.kind)
                         .arg(table.columns.size())
                         .arg(table.exactRows ? QStringLiteral(", %1 rows").arg(*table.exactRows)
                                              : QString());
        units << unit;
    }
    return units;
}

QString LiveDatabaseAdapter::skillPrompt() const
{
    return QStringLiteral(
        "## Skill: live_database_ingest\n"
        "You enrich the context of one warehouse table from its scan (the raw table file).\n"
        "- Read the raw table file, and the current semantic source of the table with "
        "sl_read_source (ingest already wrote one per table: name, table, grain, columns, joins).\n"
        "- Improve that source with sl_edit_source (or sl_write_source): a descriptions.ai for the "
        "source and for columns whose meaning is clear, useful measures (sums, distinct counts) "
        "and joins to other sources that exist. Never invent columns.\n"
        "- When the table carries business meaning worth explaining (statuses, lifecycles, "
        "metrics), write or update a wiki page with wiki_write; summary is required, refs and "
        "sl_refs must name pages and sources that exist.\n"
        "- Before any write call record_verification_ledger with what you verified; cite the raw "
        "table file in rawPaths of every write.\n"
        "- Existing text written by people is accepted truth: extend it, do not overwrite it.\n");
}

} // namespace ktx
