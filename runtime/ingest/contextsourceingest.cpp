#include "ingest/contextsourceingest.h"

#include "git/gitrepository.h"
#include "git/worktreelanding.h"
#include "ingest/contextsourceadapter.h"
#include "ingest/contextsourcecheckout.h"
#include "ingest/ingestrun.h"
#include "ingest/runeventlog.h"
#include "llm/llmsettings.h"
#include "project/projectconfig.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QRandomGenerator>

#include <memory>

namespace ktx {

namespace {

ContextSourceIngestResult failed(ContextSourceIngestResult r, const QString &code,
                                 const QString &detail, const QString &fix = {})
{
    r.status = QStringLiteral("failed");
    r.code = code;
    r.detail = detail;
    r.fix = fix;
    return r;
}

ContextSourceIngestResult failed(ContextSourceIngestResult r, const Error &e)
{
    return failed(std::move(r), e.code, e.message, e.hint);
}

// The model the units use, or why there is none (then units are skipped and
// only the deterministic part lands).
LlmSettings modelFor(const ProjectConfig &project, const QString &projectDir, QString *gap)
{
    LlmSettings none;
    none.backend = QStringLiteral("none");
    if (project.llm.backend.isEmpty() || project.llm.backend == QLatin1String("none")) {
        *gap = QStringLiteral("no model configured (llm.provider.backend: none)");
        return none;
    }
    auto settings = LlmSettings::fromConfig(project.llm, projectDir);
    if (!settings.ok()) {
        *gap = settings.error().message;
        return none;
    }
    if (!settings->isAgentCli()
        && settings->modelFor(QStringLiteral("candidateExtraction")).isEmpty()) {
        *gap = QStringLiteral("no model for candidateExtraction (llm.models)");
        return none;
    }
    return *settings;
}

} // namespace

QJsonObject ContextSourceIngestResult::toJson() const
{
    QJsonObject o {{QStringLiteral("connectionId"), connectionId},
                   {QStringLiteral("driver"), driver},
                   {QStringLiteral("warehouseConnectionId"), warehouseConnectionId},
                   {QStringLiteral("status"), status},
                   {QStringLiteral("jobId"), jobId},
                   {QStringLiteral("runId"), runId},
                   {QStringLiteral("runStatus"), runStatus},
                   {QStringLiteral("syncId"), syncId},
                   {QStringLiteral("commitId"), commitId},
                   {QStringLiteral("source"), location},
                   {QStringLiteral("unchanged"), unchanged},
                   {QStringLiteral("modelCalls"), modelCalls},
                   {QStringLiteral("unitsPlanned"), unitsPlanned},
                   {QStringLiteral("unitsRun"), unitsRun},
                   {QStringLiteral("diff"),
                    QJsonObject {{QStringLiteral("added"), added},
                                 {QStringLiteral("modified"), modified},
                                 {QStringLiteral("deleted"), deleted}}},
                   {QStringLiteral("report"), report.toJson()},
                   {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)}};
    if (!branch.isEmpty())
        o.insert(QStringLiteral("branch"), branch);
    if (status == QLatin1String("failed")) {
        o.insert(QStringLiteral("code"), code);
        o.insert(QStringLiteral("detail"), detail);
        o.insert(QStringLiteral("fix"), fix);
    }
    return o;
}

Result<QString> ContextSourceIngest::warehouseFor(const ProjectConfig &project,
                                                  const ConnectionConfig &connection)
{
    const QString named = connection.field(QStringLiteral("warehouse"));
    if (!named.isEmpty()) {
        const ConnectionConfig *w = project.connection(named);
        if (!w || w->kind() != ConnectionKind::Warehouse)
            return makeError(QStringLiteral("warehouse_unknown"),
                             QStringLiteral("connections.%1.warehouse names %2, which is not a "
                                            "warehouse connection of this project.")
                                 .arg(connection.id, named),
                             QStringLiteral("Set it to the id of the warehouse the dbt models "
                                            "build into."));
        return named;
    }
    QStringList warehouses;
    for (const ConnectionConfig &c : project.connections)
        if (c.kind() == ConnectionKind::Warehouse)
            warehouses << c.id;
    if (warehouses.size() == 1)
        return warehouses.first();
    return makeError(QStringLiteral("warehouse_missing"),
                     QStringLiteral("connections.%1 does not say which warehouse it maps to.")
                         .arg(connection.id),
                     QStringLiteral("Add `warehouse: <connection id>` to connections.%1 in "
                                    "ktx.yaml.")
                         .arg(connection.id));
}

ContextSourceIngestResult ContextSourceIngest::run(const QString &projectDir,
                                                   const ProjectConfig &project,
                                                   const ConnectionConfig &connection,
                                                   const CancellationToken &cancel,
                                                   const Progress &progress)
{
    Options options;
    options.cancel = cancel;
    options.progress = progress;
    return run(projectDir, project, connection, options);
}

ContextSourceIngestResult ContextSourceIngest::run(const QString &projectDir,
                                                   const ProjectConfig &project,
                                                   const ConnectionConfig &connection,
                                                   const Options &options)
{
    const auto say = [&](const QString &message) {
        if (options.progress)
            options.progress(message);
    };
    ContextSourceIngestResult result;
    result.connectionId = connection.id;
    result.driver = connection.driver;
    result.report.driver = connection.driver;
    result.runId = IngestRun::newRunId();
    result.jobId = QString::number(QRandomGenerator::global()->generate64() & 0xffffffffULL, 16)
                       .rightJustified(8, QLatin1Char('0'));
    if (!contextSourceParser(connection.driver))
        return failed(result, QStringLiteral("unsupported_driver"),
                      QStringLiteral("Context source driver \"%1\" cannot be ingested yet.")
                          .arg(connection.driver),
                      QStringLiteral("Supported: %1.")
                          .arg(contextSourceDrivers().join(QStringLiteral(", "))));
    auto warehouse = warehouseFor(project, connection);
    if (!warehouse)
        return failed(result, warehouse.error());
    result.warehouseConnectionId = *warehouse;

    say(QStringLiteral("Reading %1 source %2").arg(connection.driver, connection.id));
    std::optional<ContextSourceCheckout::Location> location;
    {
        // A clone or fetch into .ktx/cache must not race another ingest's.
        auto lock = WorktreeLanding::lockProject(projectDir);
        if (!lock.ok())
            return failed(result, lock.error());
        auto acquired = ContextSourceCheckout::acquire(projectDir, connection);
        if (!acquired)
            return failed(result, acquired.error());
        location = *acquired;
    }
    result.location = location->description;
    if (options.cancel.isCancelled())
        return failed(result, QStringLiteral("cancelled"),
                      QStringLiteral("Ingest was cancelled; nothing was written."));

    QString gap;
    IngestRunOptions run;
    run.projectDir = projectDir;
    run.config = project;
    run.connectionId = connection.id;
    run.reviewMode = project.review.mode == QLatin1String("review") ? QStringLiteral("review")
                                                                    : QStringLiteral("auto");
    run.llm = options.loopRunner ? LlmSettings() : modelFor(project, projectDir, &gap);
    run.loopRunner = options.loopRunner;
    run.cancel = options.cancel;
    run.appVersion = options.appVersion.isEmpty() ? QCoreApplication::applicationVersion()
                                                  : options.appVersion;
    run.runId = result.runId;
    run.jobId = result.jobId;
    run.listener = [&](const IngestEvent &e) {
        if (options.listener)
            options.listener(e);
        if (e.type == IngestEvent::Type::PhaseChanged)
            say(QStringLiteral("%1: %2").arg(connection.id,
                                             e.data.value(QStringLiteral("phase")).toString()));
    };
    const auto adapter = std::make_shared<ContextSourceAdapter>(
        connection.id, connection.driver, *warehouse, *location, result.jobId);
    adapter->setConnectionFields(connection.fields);
    run.adapter = adapter;
    if (!gap.isEmpty())
        result.warnings << QStringLiteral("Work units skipped: %1. Only the deterministic "
                                          "extraction was written; run `ktx setup` to choose a "
                                          "model.")
                               .arg(gap);

    IngestRun ingest(run);
    auto ran = ingest.run();
    result.report = adapter->report();
    if (!ran.ok())
        return failed(result, ran.error());
    const IngestRunRecord &record = ran->record;
    const IngestReport &report = ran->report;
    result.runStatus = record.status;
    result.syncId = adapter->syncId().isEmpty() ? record.syncId : adapter->syncId();
    result.modelCalls = report.modelCalls;
    for (const WorkUnitReport &unit : report.workUnits)
        if (!IngestRun::isProjectionUnit(unit.unitKey))
            ++result.unitsRun;
    result.unitsPlanned = result.unitsRun;
    if (!report.unitsSkipped.isEmpty()) {
        // Planned units are in the events only; count them there.
        result.unitsPlanned = 0;
        for (const IngestEvent &e : ingest.eventLog()->events())
            if (e.type == IngestEvent::Type::UnitPlanned)
                ++result.unitsPlanned;
    }
    for (const QString &unit : report.failedWorkUnits)
        result.warnings << QStringLiteral("Work unit %1 failed.").arg(unit);
    if (record.status != QLatin1String("landed")
        && record.status != QLatin1String("pending_review")) {
        if (const auto &e = adapter->error())
            return failed(result, *e);
        return failed(
            result,
            record.status == QLatin1String("cancelled") ? QStringLiteral("cancelled")
                                                        : QStringLiteral("ingest_failed"),
            QStringLiteral("%1 (in %2)").arg(record.failureMessage, record.failurePhase),
            QStringLiteral("See the run's events: .ktx/runs/%1/events.jsonl").arg(record.runId));
    }
    result.status = QStringLiteral("done");
    result.branch = record.runBranch;
    result.commitId = record.landedCommit;
    const QString runCommit = record.commitId;

    // Project files the run changed: evidence by its path inside the sync
    // (a new sync in place of the old one is an edit), the rest by path.
    result.added = adapter->evidenceAdded();
    result.modified = adapter->evidenceModified();
    result.deleted = adapter->evidenceDeleted();
    if (!runCommit.isEmpty()) {
        if (auto repository = GitRepository::open(projectDir); repository.ok()) {
            if (auto paths = repository->changedPaths(record.baseCommit, runCommit); paths.ok())
                for (const QString &path : std::as_const(*paths)) {
                    if (path.startsWith(QLatin1String("raw-sources/")))
                        continue;
                    const auto before = repository->fileAt(record.baseCommit, path);
                    const auto after = repository->fileAt(runCommit, path);
                    const bool had = before.ok() && before->has_value();
                    const bool has = after.ok() && after->has_value();
                    if (!had && has)
                        ++result.added;
                    else if (had && !has)
                        ++result.deleted;
                    else
                        ++result.modified;
                }
        }
    }
    if (runCommit.isEmpty()) {
        result.unchanged = true;
        result.detail = QStringLiteral("%1 models, %2 sources, unchanged")
                            .arg(result.report.models)
                            .arg(result.report.sources.size());
        return result;
    }
    result.detail = QStringLiteral("%1 models, %2 sources, %3 joins, diff +%4/~%5/-%6, %7 "
                                   "unit(s), %8 model call(s)")
                        .arg(result.report.models)
                        .arg(result.report.sources.size())
                        .arg(result.report.joins)
                        .arg(result.added)
                        .arg(result.modified)
                        .arg(result.deleted)
                        .arg(result.unitsRun)
                        .arg(result.modelCalls);
    if (record.status == QLatin1String("pending_review")) {
        result.detail += QStringLiteral(", pending review on %1").arg(record.runBranch);
        return result;
    }
    // Untracked leftovers of earlier syncs (git removed their files, not the folders).
    const QDir keyFolder(
        QDir(projectDir)
            .filePath(ContextSourceAdapter::rawFolder(connection.id, connection.driver)));
    for (const QString &old : keyFolder.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        if (old != result.syncId)
            QDir(keyFolder.filePath(old)).removeRecursively();
    return result;
}

} // namespace ktx
