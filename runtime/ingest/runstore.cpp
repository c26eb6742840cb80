#include "ingest/runstore.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <signal.h>

namespace ktx {

namespace {

QAtomicInteger<quint64> g_counter;

Error sqlError(const QString &what, const QSqlError &e)
{
    return makeError(QStringLiteral("run_store_failed"),
                     QStringLiteral("%1: %2").arg(what, e.text()),
                     QStringLiteral("The run store is .ktx/db.sqlite; it holds only local state "
                                    "and can be deleted if it is damaged."));
}

bool processAlive(qint64 pid)
{
    if (pid <= 0)
        return false;
    return ::kill(pid_t(pid), 0) == 0 || errno == EPERM;
}

const char *const Schema[] = {
    "CREATE TABLE IF NOT EXISTS ingest_runs (run_id TEXT PRIMARY KEY, job_id TEXT, connection_id "
    "TEXT, source_key TEXT, sync_id TEXT, status TEXT, phase TEXT, base_commit TEXT, run_branch "
    "TEXT, commit_id TEXT, landed_commit TEXT, review_mode TEXT, started_at INTEGER, finished_at "
    "INTEGER, pid INTEGER, failure_phase TEXT, failure_message TEXT, diff TEXT)",
    "CREATE INDEX IF NOT EXISTS ingest_runs_by_connection ON ingest_runs(connection_id, "
    "started_at)",
    "CREATE TABLE IF NOT EXISTS ingest_reports (run_id TEXT PRIMARY KEY, body TEXT NOT NULL, "
    "created_at INTEGER)",
    "CREATE TABLE IF NOT EXISTS ingest_provenance (run_id TEXT, connection_id TEXT, source_key "
    "TEXT, sync_id TEXT, raw_path TEXT, raw_rel TEXT, raw_content_hash TEXT, artifact_kind TEXT, "
    "artifact_key TEXT, target_connection_id TEXT, action_type TEXT)",
    "CREATE INDEX IF NOT EXISTS ingest_provenance_by_raw ON ingest_provenance(connection_id, "
    "raw_rel)",
    "CREATE TABLE IF NOT EXISTS ingest_work_unit_cache (cache_key TEXT PRIMARY KEY, unit_key "
    "TEXT, payload BLOB NOT NULL, created_at INTEGER)",
};

IngestRunRecord recordFrom(const QSqlQuery &q)
{
    IngestRunRecord r;
    r.runId = q.value(0).toString();
    r.jobId = q.value(1).toString();
    r.connectionId = q.value(2).toString();
    r.sourceKey = q.value(3).toString();
    r.syncId = q.value(4).toString();
    r.status = q.value(5).toString();
    r.phase = q.value(6).toString();
    r.baseCommit = q.value(7).toString();
    r.runBranch = q.value(8).toString();
    r.commitId = q.value(9).toString();
    r.landedCommit = q.value(10).toString();
    r.reviewMode = q.value(11).toString();
    r.startedAtMs = q.value(12).toLongLong();
    r.finishedAtMs = q.value(13).toLongLong();
    r.pid = q.value(14).toLongLong();
    r.failurePhase = q.value(15).toString();
    r.failureMessage = q.value(16).toString();
    r.diff = QJsonDocument::fromJson(q.value(17).toByteArray()).object();
    return r;
}

constexpr auto RunColumns = "run_id, job_id, connection_id, source_key, sync_id, status, phase, "
                            "base_commit, run_branch, commit_id, landed_commit, review_mode, "
                            "started_at, finished_at, pid, failure_phase, failure_message, diff";

} // namespace

RunStore::RunStore(QString connectionName)
    : m_connection(std::move(connectionName))
{ }

RunStore::~RunStore()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

QString RunStore::databasePath(const QString &projectDir)
{
    return QDir(projectDir).filePath(QStringLiteral(".ktx/db.sqlite"));
}

Result<std::unique_ptr<RunStore>> RunStore::open(const QString &projectDir)
{
    QDir().mkpath(QDir(projectDir).filePath(QStringLiteral(".ktx")));
    const QString name
        = QStringLiteral("ktx_ingest_runstore_%1").arg(g_counter.fetchAndAddRelaxed(1));
    std::unique_ptr<RunStore> store(new RunStore(name));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(databasePath(projectDir));
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    if (!db.open())
        return sqlError(QStringLiteral("Cannot open the run store"), db.lastError());
    QSqlQuery q(db);
    q.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    q.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    for (const char *statement : Schema)
        if (!q.exec(QLatin1String(statement)))
            return sqlError(QStringLiteral("Cannot prepare the run store"), q.lastError());
    return store;
}

Result<void> RunStore::insertRun(const IngestRunRecord &r)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("INSERT INTO ingest_runs (%1) VALUES "
                             "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
                  .arg(QLatin1String(RunColumns)));
    for (const QVariant &v :
         {QVariant(r.runId), QVariant(r.jobId), QVariant(r.connectionId), QVariant(r.sourceKey),
          QVariant(r.syncId), QVariant(r.status), QVariant(r.phase), QVariant(r.baseCommit),
          QVariant(r.runBranch), QVariant(r.commitId), QVariant(r.landedCommit),
          QVariant(r.reviewMode), QVariant(r.startedAtMs), QVariant(r.finishedAtMs),
          QVariant(r.pid), QVariant(r.failurePhase), QVariant(r.failureMessage),
          QVariant(QJsonDocument(r.diff).toJson(QJsonDocument::Compact))})
        q.addBindValue(v);
    if (!q.exec())
        return sqlError(QStringLiteral("Cannot record the run"), q.lastError());
    return {};
}

Result<void> RunStore::updateRun(const IngestRunRecord &r)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral(
        "UPDATE ingest_runs SET sync_id=?, status=?, phase=?, base_commit=?, run_branch=?, "
        "commit_id=?, landed_commit=?, finished_at=?, failure_phase=?, failure_message=?, diff=? "
        "WHERE run_id=?"));
    for (const QVariant &v :
         {QVariant(r.syncId), QVariant(r.status), QVariant(r.phase), QVariant(r.baseCommit),
          QVariant(r.runBranch), QVariant(r.commitId), QVariant(r.landedCommit),
          QVariant(r.finishedAtMs), QVariant(r.failurePhase), QVariant(r.failureMessage),
          QVariant(QJsonDocument(r.diff).toJson(QJsonDocument::Compact)), QVariant(r.runId)})
        q.addBindValue(v);
    if (!q.exec())
        return sqlError(QStringLiteral("Cannot update the run"), q.lastError());
    return {};
}

std::optional<IngestRunRecord> RunStore::run(const QString &runId) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(
        QStringLiteral("SELECT %1 FROM ingest_runs WHERE run_id=?").arg(QLatin1String(RunColumns)));
    q.addBindValue(runId);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return recordFrom(q);
}

QList<IngestRunRecord> RunStore::runs(const QString &connectionId, int limit) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT %1 FROM ingest_runs WHERE (?='' OR connection_id=?) ORDER BY "
                             "started_at DESC, rowid DESC LIMIT ?")
                  .arg(QLatin1String(RunColumns)));
    q.addBindValue(connectionId.isEmpty() ? QStringLiteral("") : connectionId);
    q.addBindValue(connectionId.isEmpty() ? QStringLiteral("") : connectionId);
    q.addBindValue(limit);
    QList<IngestRunRecord> out;
    if (q.exec())
        while (q.next())
            out << recordFrom(q);
    return out;
}

QStringList RunStore::markInterrupted()
{
    QStringList ids;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (!q.exec(QStringLiteral("SELECT run_id, pid FROM ingest_runs WHERE status='running'")))
        return ids;
    const qint64 self = QCoreApplication::applicationPid();
    while (q.next()) {
        const qint64 pid = q.value(1).toLongLong();
        if (pid != self && !processAlive(pid))
            ids << q.value(0).toString();
    }
    for (const QString &id : std::as_const(ids)) {
        QSqlQuery u(QSqlDatabase::database(m_connection));
        u.prepare(QStringLiteral("UPDATE ingest_runs SET status='interrupted', finished_at=? "
                                 "WHERE run_id=?"));
        u.addBindValue(QDateTime::currentMSecsSinceEpoch());
        u.addBindValue(id);
        u.exec();
    }
    return ids;
}

Result<void> RunStore::saveReport(const QString &runId, const QJsonObject &body)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral(
        "INSERT OR REPLACE INTO ingest_reports (run_id, body, created_at) VALUES (?,?,?)"));
    q.addBindValue(runId);
    q.addBindValue(QString::fromUtf8(QJsonDocument(body).toJson(QJsonDocument::Compact)));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (!q.exec())
        return sqlError(QStringLiteral("Cannot save the run report"), q.lastError());
    return {};
}

std::optional<QJsonObject> RunStore::report(const QString &runId) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT body FROM ingest_reports WHERE run_id=?"));
    q.addBindValue(runId);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return QJsonDocument::fromJson(q.value(0).toByteArray()).object();
}

std::optional<QJsonObject> RunStore::lastLandedReport(const QString &connectionId,
                                                      const QString &sourceKey) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral(
        "SELECT r.body FROM ingest_runs u JOIN ingest_reports r ON r.run_id=u.run_id WHERE "
        "u.connection_id=? AND u.source_key=? AND u.status='landed' ORDER BY u.started_at DESC, "
        "u.rowid DESC LIMIT 1"));
    q.addBindValue(connectionId);
    q.addBindValue(sourceKey);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return QJsonDocument::fromJson(q.value(0).toByteArray()).object();
}

Result<void> RunStore::insertProvenance(const QString &runId, const QString &connectionId,
                                        const QString &sourceKey, const QString &syncId,
                                        const QList<ProvenanceRow> &rows)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    db.transaction();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO ingest_provenance (run_id, connection_id, source_key, "
                             "sync_id, raw_path, raw_rel, raw_content_hash, artifact_kind, "
                             "artifact_key, target_connection_id, action_type) VALUES "
                             "(?,?,?,?,?,?,?,?,?,?,?)"));
    const QString marker = QLatin1Char('/') + syncId + QLatin1Char('/');
    for (const ProvenanceRow &row : rows) {
        const qsizetype at = row.rawPath.indexOf(marker);
        const QString rel = at < 0 ? row.rawPath : row.rawPath.mid(at + marker.size());
        for (const QVariant &v :
             {QVariant(runId), QVariant(connectionId), QVariant(sourceKey), QVariant(syncId),
              QVariant(row.rawPath), QVariant(rel), QVariant(row.rawContentHash),
              QVariant(row.artifactKind), QVariant(row.artifactKey),
              QVariant(row.targetConnectionId), QVariant(row.actionType)})
            q.addBindValue(v);
        if (!q.exec()) {
            db.rollback();
            return sqlError(QStringLiteral("Cannot record provenance"), q.lastError());
        }
    }
    db.commit();
    return {};
}

QStringList RunStore::priorProvenance(const QString &connectionId, const QString &rawRelPath) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral(
        "SELECT p.sync_id, p.artifact_kind, p.artifact_key, p.action_type FROM ingest_provenance "
        "p JOIN ingest_runs u ON u.run_id=p.run_id WHERE p.connection_id=? AND p.raw_rel=? AND "
        "u.status='landed' AND p.action_type<>'skipped' ORDER BY u.started_at DESC LIMIT 20"));
    q.addBindValue(connectionId);
    q.addBindValue(rawRelPath);
    QStringList lines;
    if (q.exec())
        while (q.next())
            lines << QStringLiteral("%1 %2/%3/%4")
                         .arg(q.value(0).toString(), q.value(1).toString(), q.value(2).toString(),
                              q.value(3).toString());
    return lines;
}

QMap<QString, QSet<QString>> RunStore::landedEvidence(const QString &connectionId,
                                                      const QString &sourceKey) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral(
        "SELECT p.artifact_kind, p.target_connection_id, p.artifact_key, p.raw_rel FROM "
        "ingest_provenance p JOIN ingest_runs u ON u.run_id=p.run_id WHERE p.connection_id=? AND "
        "p.source_key=? AND u.status IN ('landed','reviewed') AND p.action_type<>'skipped' AND "
        "p.artifact_key<>''"));
    q.addBindValue(connectionId);
    q.addBindValue(sourceKey);
    QMap<QString, QSet<QString>> evidence;
    if (q.exec())
        while (q.next())
            evidence[QStringLiteral("%1|%2|%3")
                         .arg(q.value(0).toString(), q.value(1).toString(), q.value(2).toString())]
                .insert(q.value(3).toString());
    return evidence;
}

std::optional<QByteArray> RunStore::cachedUnit(const QString &key) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("SELECT payload FROM ingest_work_unit_cache WHERE cache_key=?"));
    q.addBindValue(key);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return q.value(0).toByteArray();
}

Result<void> RunStore::storeUnit(const QString &key, const QString &unitKey,
                                 const QByteArray &payload)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("INSERT OR REPLACE INTO ingest_work_unit_cache (cache_key, unit_key, "
                             "payload, created_at) VALUES (?,?,?,?)"));
    q.addBindValue(key);
    q.addBindValue(unitKey);
    q.addBindValue(payload);
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (!q.exec())
        return sqlError(QStringLiteral("Cannot store a work unit in the cache"), q.lastError());
    return {};
}

void RunStore::removeUnit(const QString &key)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(QStringLiteral("DELETE FROM ingest_work_unit_cache WHERE cache_key=?"));
    q.addBindValue(key);
    q.exec();
}

int RunStore::cachedUnitCount() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM ingest_work_unit_cache")) || !q.next())
        return 0;
    return q.value(0).toInt();
}

} // namespace ktx
