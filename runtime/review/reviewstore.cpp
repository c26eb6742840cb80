#include "review/reviewstore.h"

#include <QAtomicInteger>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace ktx {

namespace {

QAtomicInteger<quint64> g_counter;

// A refused rewrite of a whole file stays useful to a prompt in its first lines.
constexpr qsizetype MaxChangeText = 16 * 1024;

Error sqlError(const QString &what, const QSqlError &e)
{
    return makeError(QStringLiteral("review_store_failed"),
                     QStringLiteral("%1: %2").arg(what, e.text()),
                     QStringLiteral("Review state lives in .ktx/db.sqlite; check that the "
                                    "project directory is writable."));
}

const char *const Schema[] = {
    "CREATE TABLE IF NOT EXISTS review_decisions (run_id TEXT NOT NULL, path TEXT NOT NULL, "
    "hunk INTEGER NOT NULL, accept INTEGER NOT NULL, decided_at INTEGER, PRIMARY KEY (run_id, "
    "path, hunk))",
    "CREATE TABLE IF NOT EXISTS review_rejections (run_id TEXT, path TEXT, entity_key TEXT, "
    "text_hash TEXT, summary TEXT, rejected_at INTEGER)",
    "CREATE INDEX IF NOT EXISTS review_rejections_by_path ON review_rejections(path)",
};

} // namespace

ReviewStore::ReviewStore(QString connectionName)
    : m_connection(std::move(connectionName))
{ }

ReviewStore::~ReviewStore()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

Result<std::unique_ptr<ReviewStore>> ReviewStore::open(const QString &projectDir)
{
    QDir().mkpath(QDir(projectDir).filePath(QStringLiteral(".ktx")));
    const QString name = QStringLiteral("ktx_review_store_%1").arg(g_counter.fetchAndAddRelaxed(1));
    std::unique_ptr<ReviewStore> store(new ReviewStore(name));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(QDir(projectDir).filePath(QStringLiteral(".ktx/db.sqlite")));
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    if (!db.open())
        return sqlError(QStringLiteral("Cannot open the review store"), db.lastError());
    QSqlQuery q(db);
    q.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    for (const char *statement : Schema)
        if (!q.exec(QLatin1String(statement)))
            return sqlError(QStringLiteral("Cannot prepare the review store"), q.lastError());
    // Stores made before rejections kept their evidence gain the columns.
    QStringList columns;
    if (q.exec(QStringLiteral("PRAGMA table_info(review_rejections)")))
        while (q.next())
            columns << q.value(1).toString();
    for (const QString &column : {QStringLiteral("change_text"), QStringLiteral("raw_paths")})
        if (!columns.contains(column)
            && !q.exec(
                QStringLiteral("ALTER TABLE review_rejections ADD COLUMN %1 TEXT").arg(column)))
            return sqlError(QStringLiteral("Cannot prepare the review store"), q.lastError());
    return store;
}

Result<void> ReviewStore::setDecision(const QString &runId, const ReviewDecision &d)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("INSERT OR REPLACE INTO review_decisions (run_id, path, hunk, accept, "
                             "decided_at) VALUES (?,?,?,?,?)"));
    q.addBindValue(runId);
    q.addBindValue(d.path.isEmpty() ? QStringLiteral("") : d.path);
    q.addBindValue(d.hunk);
    q.addBindValue(d.accept ? 1 : 0);
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (!q.exec())
        return sqlError(QStringLiteral("Cannot record the decision"), q.lastError());
    return {};
}

QList<ReviewDecision> ReviewStore::decisions(const QString &runId) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral(
        "SELECT path, hunk, accept FROM review_decisions WHERE run_id=? ORDER BY path, hunk"));
    q.addBindValue(runId);
    QList<ReviewDecision> out;
    if (q.exec())
        while (q.next())
            out << ReviewDecision {q.value(0).toString(), q.value(1).toInt(), q.value(2).toBool()};
    return out;
}

Result<void> ReviewStore::recordRejections(const QList<ReviewRejection> &rejections)
{
    return replaceRejections({}, rejections);
}

Result<void> ReviewStore::replaceRejections(const QString &runId,
                                            const QList<ReviewRejection> &rejections)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    db.transaction();
    QSqlQuery q(db);
    if (!runId.isEmpty()) {
        q.prepare(QStringLiteral("DELETE FROM review_rejections WHERE run_id=?"));
        q.addBindValue(runId);
        if (!q.exec()) {
            db.rollback();
            return sqlError(QStringLiteral("Cannot replace rejections"), q.lastError());
        }
    }
    q.prepare(QStringLiteral("INSERT INTO review_rejections (run_id, path, entity_key, text_hash, "
                             "summary, rejected_at, change_text, raw_paths) VALUES "
                             "(?,?,?,?,?,?,?,?)"));
    for (const ReviewRejection &r : rejections) {
        for (const QVariant &v :
             {QVariant(r.runId), QVariant(r.path), QVariant(r.entityKey), QVariant(r.textHash),
              QVariant(r.summary), QVariant(r.atMs ? r.atMs : QDateTime::currentMSecsSinceEpoch()),
              QVariant(QString::fromUtf8(r.changeText.left(MaxChangeText))),
              QVariant(QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(r.rawPaths))
                                             .toJson(QJsonDocument::Compact)))})
            q.addBindValue(v);
        if (!q.exec()) {
            db.rollback();
            return sqlError(QStringLiteral("Cannot record a rejection"), q.lastError());
        }
    }
    if (!db.commit())
        return sqlError(QStringLiteral("Cannot record the rejections"), db.lastError());
    return {};
}

QList<ReviewRejection> ReviewStore::rejectionsFor(const QStringList &paths) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    QString sql
        = QStringLiteral("SELECT run_id, path, entity_key, text_hash, summary, rejected_at, "
                         "change_text, raw_paths FROM review_rejections");
    if (!paths.isEmpty()) {
        QStringList marks;
        for (qsizetype i = 0; i < paths.size(); ++i)
            marks << QStringLiteral("?");
        sql += QStringLiteral(" WHERE path IN (%1)").arg(marks.join(QLatin1Char(',')));
    }
    sql += QStringLiteral(" ORDER BY rejected_at DESC, rowid DESC");
    q.prepare(sql);
    for (const QString &p : paths)
        q.addBindValue(p);
    QList<ReviewRejection> out;
    if (q.exec())
        while (q.next()) {
            ReviewRejection r;
            r.runId = q.value(0).toString();
            r.path = q.value(1).toString();
            r.entityKey = q.value(2).toString();
            r.textHash = q.value(3).toString();
            r.summary = q.value(4).toString();
            r.atMs = q.value(5).toLongLong();
            r.changeText = q.value(6).toString().toUtf8();
            for (const QJsonValue &v : QJsonDocument::fromJson(q.value(7).toByteArray()).array())
                r.rawPaths << v.toString();
            out << r;
        }
    return out;
}

QString ReviewStore::entityKeyFor(const QString &path)
{
    const QStringList parts = path.split(QLatin1Char('/'));
    const QString base = QFileInfo(path).completeBaseName();
    if (parts.size() >= 3 && parts.first() == QLatin1String("semantic-layer"))
        return parts.at(1) + QLatin1Char(':') + base;
    if (parts.size() >= 2 && parts.first() == QLatin1String("wiki"))
        return QStringLiteral("wiki:") + base;
    return path;
}

QString ReviewStore::hashOf(const QByteArray &changeText)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(changeText, QCryptographicHash::Sha256).toHex());
}

} // namespace ktx
