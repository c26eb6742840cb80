#include "ingest/queryhistoryingest.h"

#include "core/atomicfile.h"
#include "db/connectionsettings.h"
#include "db/databasesession.h"
#include "db/queryhistoryaggregator.h"
#include "db/queryhistoryoptions.h"
#include "git/gitrepository.h"
#include "git/worktreelanding.h"
#include "ingest/connectioncatalog.h"
#include "ingest/livedatabaseevidence.h"
#include "ingest/queryhistoryevidence.h"
#include "project/projectconfig.h"

#include <QDateTime>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

namespace ktx {

namespace {

// pg_stat_statements.max defaults to 5,000 entries; four times that is room for
// a raised limit without reading an unbounded result.
constexpr int kMaxStatements = 20000;

QueryHistoryIngestResult failed(QueryHistoryIngestResult r, const QString &code,
                                const QString &detail, const QString &fix = {})
{
    r.status = QStringLiteral("failed");
    r.code = code;
    r.detail = detail;
    r.fix = fix;
    return r;
}

QueryHistoryIngestResult failed(QueryHistoryIngestResult r, const Error &e)
{
    return failed(std::move(r), e.code, e.message, e.hint);
}

} // namespace

QString QueryHistoryIngest::commitMessage(const QueryHistoryIngestResult &r)
{
    return QStringLiteral("ingest(%1): %2 syncId=%3 diff=+%4/~%5/-%6/=%7")
        .arg(QueryHistoryEvidence::sourceKey(), r.jobId, r.syncId)
        .arg(r.added)
        .arg(r.modified)
        .arg(r.deleted)
        .arg(r.unchanged);
}

QueryHistoryIngestResult
QueryHistoryIngest::run(const QString &projectDir, const ProjectConfig &project,
                        const ConnectionConfig &connection, const QueryHistoryOptions &options,
                        const CancellationToken &cancel, const Progress &progress)
{
    const auto say = [&](const QString &message) {
        if (progress)
            progress(message);
    };
    QueryHistoryIngestResult result;
    result.jobId = QString::number(QRandomGenerator::global()->generate64() & 0xffffffffULL, 16)
                       .rightJustified(8, QLatin1Char('0'));
    if (!QueryHistoryOptions::driverSupported(connection.driver)) {
        result.status = QStringLiteral("skipped");
        result.code = QStringLiteral("unsupported_driver");
        result.detail = QStringLiteral("query history is not supported for driver \"%1\"")
                            .arg(connection.driver);
        result.fix = QStringLiteral("Disable connections.%1.context.queryHistory, or use a "
                                    "postgres connection")
                         .arg(connection.id);
        result.warnings << QStringLiteral("Query history is not supported for driver \"%1\" "
                                          "(connection %2); the run is schema-only.")
                               .arg(connection.driver, connection.id);
        return result;
    }

    auto lock = WorktreeLanding::lockProject(projectDir);
    if (!lock.ok())
        return failed(result, lock.error());

    // The schema scan comes first: names in the SQL resolve against it.
    Result<ConnectionCatalog> catalog = ConnectionCatalog::load(projectDir, connection.id);
    if (!catalog.ok())
        return failed(result, catalog.error());
    if (!catalog->hasSnapshot())
        return failed(
            result, QStringLiteral("schema_missing"),
            QStringLiteral("No schema snapshot of %1 exists yet; query history needs "
                           "it to resolve table names.")
                .arg(connection.id),
            QStringLiteral("Run `ktx ingest %1` without --no-query-history.").arg(connection.id));

    auto settings = ConnectionSettings::fromConfig(connection, projectDir);
    if (!settings.ok())
        return failed(result, settings.error());
    say(QStringLiteral("Checking pg_stat_statements on %1").arg(settings->displayTarget()));
    auto session = DatabaseSession::open(*settings);
    if (!session.ok())
        return failed(result, session.error());
    const QueryHistoryReadiness readiness = PostgresQueryHistory::probe(**session, connection.id);
    if (!readiness.canRead())
        return failed(result, readiness.code, readiness.detail, readiness.fix);
    result.warnings << readiness.warnings;

    say(QStringLiteral("Reading query history of %1").arg(connection.id));
    Result<QList<QueryHistoryStatement>> statements
        = PostgresQueryHistory::read(**session, readiness, kMaxStatements, result.warnings);
    if (!statements.ok())
        return failed(result, statements.error());
    if (cancel.isCancelled())
        return failed(result, QStringLiteral("cancelled"),
                      QStringLiteral("Ingest was cancelled; nothing was written."));

    QStringList searchPath = settings->schemas;
    if (!searchPath.contains(QStringLiteral("public")))
        searchPath << QStringLiteral("public");
    const QueryHistorySummary summary
        = QueryHistoryAggregator::aggregate(*statements, options, catalog->tables, searchPath);
    result.statementsRead = summary.statementsRead;
    result.templates = int(summary.templates.size());
    result.tables = int(summary.tables.size());
    if (!summary.parseFailures.isEmpty())
        result.warnings << QStringLiteral("%1 statement(s) could not be read and were left out "
                                          "(see manifest.json).")
                               .arg(summary.dropped.value(QStringLiteral("parse_failed")));

    QueryHistoryEvidence::Context context;
    context.connectionId = connection.id;
    context.driver = connection.driver;
    context.extractedAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    context.options = QueryHistoryEvidence::optionsJson(options);
    context.warnings = result.warnings;
    const QMap<QString, QByteArray> files = QueryHistoryEvidence::files(summary, context);
    const QDir root(projectDir);
    if (Result<void> r = AtomicFile::write(
            root.filePath(QStringLiteral(".ktx/ingest/query-history/%1.json").arg(connection.id)),
            QueryHistoryEvidence::exactJson(summary, context));
        !r.ok())
        result.warnings
            << QStringLiteral("The exact figures could not be saved: %1").arg(r.error().message);

    const QString latest = QueryHistoryEvidence::latestSyncDir(projectDir, connection.id);
    const QMap<QString, QByteArray> previous = latest.isEmpty()
        ? QMap<QString, QByteArray>()
        : LiveDatabaseEvidence::readSyncDir(latest);
    result.status = QStringLiteral("done");
    if (!latest.isEmpty()
        && QueryHistoryEvidence::contentHash(previous)
            == QueryHistoryEvidence::contentHash(files)) {
        result.unchanged = int(files.size()) - 1;
        result.detail = QStringLiteral("%1 templates, %2 tables, unchanged")
                            .arg(result.templates)
                            .arg(result.tables);
        return result;
    }

    // The diff counts evidence files (templates.json and one per table).
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        if (it.key() == QLatin1String("manifest.json"))
            continue;
        if (!previous.contains(it.key()))
            ++result.added;
        else if (previous.value(it.key()) != it.value())
            ++result.modified;
        else
            ++result.unchanged;
    }
    for (auto it = previous.cbegin(); it != previous.cend(); ++it)
        if (it.key() != QLatin1String("manifest.json") && !files.contains(it.key()))
            ++result.deleted;

    result.syncId = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd-HHmmss"))
        + QLatin1Char('-') + result.jobId;
    const QString keyDir
        = QStringLiteral("raw-sources/%1/%2").arg(connection.id, QueryHistoryEvidence::sourceKey());
    const QString syncRel = keyDir + QLatin1Char('/') + result.syncId;
    result.detail = QStringLiteral("%1 templates, %2 tables, diff +%3/~%4/-%5/=%6")
                        .arg(result.templates)
                        .arg(result.tables)
                        .arg(result.added)
                        .arg(result.modified)
                        .arg(result.deleted)
                        .arg(result.unchanged);
    const QDir keyFolder(root.filePath(keyDir));
    // The new read replaces the previous one (as the original prunes stale raw
    // files), so git shows the change as edits of the same files.
    const auto pruneOlderReads = [&] {
        for (const QString &old : keyFolder.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
            if (old != result.syncId)
                QDir(keyFolder.filePath(old)).removeRecursively();
    };
    auto repository = GitRepository::open(projectDir);
    if (repository.ok()) {
        // A commit built from git objects, then landed: a kill leaves the old
        // state, the new one, or a journal the next start finishes.
        if (auto recovered = WorktreeLanding::recover(repository.value()); !recovered.ok())
            return failed(result, recovered.error());
        const QString head = repository->headCommitId();
        GitRepository::FileChanges changes;
        for (auto it = files.cbegin(); it != files.cend(); ++it)
            changes.insert(syncRel + QLatin1Char('/') + it.key(), it.value());
        if (!head.isEmpty()) {
            auto tracked = repository->listFiles(head, keyDir);
            if (!tracked.ok())
                return failed(result, tracked.error());
            for (const QString &path : std::as_const(*tracked))
                if (!path.startsWith(syncRel + QLatin1Char('/')))
                    changes.insert(path, std::nullopt);
        }
        const GitRepository::Signature author = GitRepository::Signature::parse(
            project.storage.gitAuthor, {QStringLiteral("ktx"), QStringLiteral("ktx@example.com")});
        auto committed = WorktreeLanding::commitAndLand(repository.value(), changes,
                                                        commitMessage(result), author);
        if (!committed.ok())
            return failed(result, committed.error());
        result.commitId = *committed;
        pruneOlderReads(); // untracked leftovers of earlier reads
    } else {
        result.warnings << QStringLiteral("The project folder is not a git repository; the query "
                                          "history was written but not committed.");
        const QString partial = root.filePath(syncRel + QStringLiteral(".partial"));
        QDir(partial).removeRecursively();
        for (auto it = files.cbegin(); it != files.cend(); ++it) {
            if (Result<void> r = AtomicFile::write(QDir(partial).filePath(it.key()), it.value());
                !r.ok()) {
                QDir(partial).removeRecursively();
                return failed(result, r.error());
            }
        }
        if (!QDir().rename(partial, root.filePath(syncRel))) {
            QDir(partial).removeRecursively();
            return failed(result, QStringLiteral("write_failed"),
                          QStringLiteral("Cannot finish the folder %1.").arg(syncRel));
        }
        pruneOlderReads();
    }
    const QJsonObject run {
        {QStringLiteral("runId"), result.jobId},
        {QStringLiteral("connectionId"), connection.id},
        {QStringLiteral("adapter"), QueryHistoryEvidence::sourceKey()},
        {QStringLiteral("status"), QStringLiteral("landed")},
        {QStringLiteral("syncId"), result.syncId},
        {QStringLiteral("commitId"), result.commitId},
        {QStringLiteral("finishedAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {QStringLiteral("diff"),
         QJsonObject {{QStringLiteral("added"), result.added},
                      {QStringLiteral("modified"), result.modified},
                      {QStringLiteral("deleted"), result.deleted},
                      {QStringLiteral("unchanged"), result.unchanged}}}};
    if (Result<void> r = AtomicFile::write(
            root.filePath(QStringLiteral(".ktx/runs/%1/run.json").arg(result.jobId)),
            QJsonDocument(run).toJson());
        !r.ok())
        result.warnings << QStringLiteral("The run was committed, but its record could not be "
                                          "saved: %1")
                               .arg(r.error().message);
    return result;
}

} // namespace ktx
