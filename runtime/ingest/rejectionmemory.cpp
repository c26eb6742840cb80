#include "ingest/rejectionmemory.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>

namespace ktx {

namespace {

QAtomicInteger<quint64> g_counter;

} // namespace

QList<PriorRejection> RejectionMemory::load(const QString &projectDir)
{
    const QString file = QDir(projectDir).filePath(QStringLiteral(".ktx/db.sqlite"));
    QList<PriorRejection> out;
    if (!QFileInfo::exists(file))
        return out;
    const QString name
        = QStringLiteral("ktx_rejection_memory_%1").arg(g_counter.fetchAndAddRelaxed(1));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(file);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
        if (db.open()) {
            QSqlQuery q(db);
            QSet<QString> columns;
            if (q.exec(QStringLiteral("PRAGMA table_info(review_rejections)")))
                while (q.next())
                    columns.insert(q.value(1).toString());
            if (!columns.isEmpty()) {
                // Rows written before the evidence columns existed still count.
                const bool rich = columns.contains(QStringLiteral("change_text"))
                    && columns.contains(QStringLiteral("raw_paths"));
                q.exec(QStringLiteral("SELECT run_id, path, entity_key, text_hash, summary, "
                                      "rejected_at%1 FROM review_rejections ORDER BY rejected_at "
                                      "DESC, rowid DESC")
                           .arg(rich ? QStringLiteral(", change_text, raw_paths") : QString()));
                while (q.next()) {
                    PriorRejection r;
                    r.runId = q.value(0).toString();
                    r.path = q.value(1).toString();
                    r.entityKey = q.value(2).toString();
                    r.textHash = q.value(3).toString();
                    r.summary = q.value(4).toString();
                    r.atMs = q.value(5).toLongLong();
                    if (rich) {
                        r.changeText = q.value(6).toByteArray();
                        for (const QJsonValue &v :
                             QJsonDocument::fromJson(q.value(7).toByteArray()).array())
                            r.rawPaths << v.toString();
                    }
                    out << r;
                }
            }
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return out;
}

QString RejectionMemory::relativeToSnapshot(const QString &raw, const QString &syncDir)
{
    const qsizetype cut = syncDir.lastIndexOf(QLatin1Char('/'));
    if (cut <= 0)
        return raw;
    const QString parent = syncDir.left(cut + 1); // raw-sources/<conn>/live-database/
    if (!raw.startsWith(parent))
        return raw;
    const qsizetype slash = raw.indexOf(QLatin1Char('/'), parent.size());
    return slash < 0 ? raw : raw.mid(slash + 1);
}

QList<PriorRejection> RejectionMemory::forUnit(const QList<PriorRejection> &all,
                                               const WorkUnit &unit, const QString &syncDir,
                                               const QStringList &targets, int limit)
{
    QSet<QString> raws;
    for (const QString &raw : unit.rawFiles)
        raws.insert(relativeToSnapshot(raw, syncDir));
    const QSet<QString> targetSet(targets.cbegin(), targets.cend());
    QList<PriorRejection> out;
    QSet<QString> seen; // path + hash: one line per refused change
    for (const PriorRejection &r : all) {
        bool concerns = targetSet.contains(r.path);
        for (qsizetype i = 0; !concerns && i < r.rawPaths.size(); ++i)
            concerns = raws.contains(relativeToSnapshot(r.rawPaths.at(i), syncDir));
        if (!concerns)
            continue;
        const QString id = r.path + QLatin1Char('\n') + r.textHash;
        if (seen.contains(id))
            continue;
        seen.insert(id);
        out << r;
        if (out.size() >= limit)
            break;
    }
    return out;
}

} // namespace ktx
