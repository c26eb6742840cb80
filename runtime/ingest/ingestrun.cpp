#include "ingest/ingestrun.h"

#include "agent/agentruntime.h"
#include "git/gitrepository.h"
#include "git/worktreelanding.h"
#include "ingest/conflictresolver.h"
#include "ingest/ingesttoolsession.h"
#include "ingest/runeventlog.h"
#include "ingest/workunitcache.h"
#include "ingest/workunitprompt.h"
#include "llm/requestgovernor.h"
#include "semantic/sourcefilename.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QMutex>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QThreadPool>
#include <QWaitCondition>

namespace ktx {

namespace {

using Type = IngestEvent::Type;

const QString CandidateRole = QStringLiteral("candidateExtraction");
const QString ReconcileRole = QStringLiteral("reconcile");
const QString RepairRole = QStringLiteral("repair");
constexpr int ReconcileBudget = 60;

QString sha256Hex(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

Error cancelled()
{
    return makeError(QStringLiteral("cancelled"),
                     QStringLiteral("Ingest was cancelled; nothing was written."));
}

QString actionType(const IngestAction &a)
{
    if (a.target == QLatin1String("wiki"))
        return QStringLiteral("wiki_written");
    return a.type == QLatin1String("created") ? QStringLiteral("source_created")
                                              : QStringLiteral("measure_added");
}

} // namespace

QString ingestPhaseName(IngestPhase phase)
{
    switch (phase) {
    case IngestPhase::Acquire:
        return QStringLiteral("acquire");
    case IngestPhase::StageRaw:
        return QStringLiteral("stage_raw");
    case IngestPhase::Diff:
        return QStringLiteral("diff");
    case IngestPhase::Plan:
        return QStringLiteral("plan");
    case IngestPhase::RunUnits:
        return QStringLiteral("work_units");
    case IngestPhase::Integrate:
        return QStringLiteral("integration");
    case IngestPhase::Gates:
        return QStringLiteral("final_gates");
    case IngestPhase::Reconcile:
        return QStringLiteral("reconciliation");
    case IngestPhase::Land:
        return QStringLiteral("land");
    }
    return {};
}

IngestRun::IngestRun(IngestRunOptions options, RunEventLog *log)
    : m_options(std::move(options))
    , m_log(log)
    , m_adapter(m_options.adapter ? m_options.adapter : std::make_shared<LiveDatabaseAdapter>())
{
    if (m_options.runId.isEmpty())
        m_options.runId = newRunId();
    if (m_options.jobId.isEmpty())
        m_options.jobId = QStringLiteral("local-") + m_options.runId.section(QLatin1Char('-'), -1);
    if (!m_log) {
        m_ownedLog = std::make_unique<RunEventLog>(
            m_options.runId, RunEventLog::pathFor(m_options.projectDir, m_options.runId));
        m_log = m_ownedLog.get();
    }
    if (m_options.listener)
        m_log->setListener(m_options.listener);
    RequestGovernor::Policy policy;
    policy.maxConcurrency = qMax(1, m_options.config.ingest.maxConcurrency);
    policy.maxAttempts = m_options.config.ingest.rateLimitEnabled
        ? qMax(1, m_options.config.ingest.retryMaxAttempts)
        : 1;
    policy.baseDelayMs = m_options.config.ingest.retryBaseDelayMs;
    policy.maxDelayMs = m_options.config.ingest.retryMaxDelayMs;
    policy.jitter = m_options.config.ingest.retryJitter;
    policy.maxWaitMs = m_options.config.ingest.maxWaitMs;
    m_runtime
        = std::make_unique<AgentRuntime>(m_options.llm, std::make_shared<RequestGovernor>(policy));
}

IngestRun::~IngestRun() = default;

QString IngestRun::newRunId()
{
    // Sorts by time; the random tail keeps two runs in one second apart.
    return QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"))
        + QLatin1Char('-')
        + QString::number(QRandomGenerator::global()->generate() & 0xffffff, 16)
              .rightJustified(6, QLatin1Char('0'));
}

QString IngestRun::commitMessage(const QString &sourceKey, const QString &jobId,
                                 const QString &syncId, const IngestDiff &d,
                                 const QStringList &failedUnits)
{
    QString message = QStringLiteral("ingest(%1): %2 syncId=%3 diff=+%4/~%5/-%6/=%7")
                          .arg(sourceKey, jobId, syncId)
                          .arg(d.added.size())
                          .arg(d.modified.size())
                          .arg(d.deleted.size())
                          .arg(d.unchanged.size());
    if (!failedUnits.isEmpty())
        message += QStringLiteral("; failed WUs: ") + failedUnits.join(QStringLiteral(", "));
    return message;
}

LoopResult IngestRun::runLoop(const LoopRequest &request, const AgentEventSink &sink) const
{
    if (m_options.loopRunner)
        return m_options.loopRunner(request, sink);
    return m_runtime->run(request, sink);
}

void IngestRun::postToolCall(const QString &unitKey, const AgentEvent &e)
{
    // Outputs are cut: the event log is read back whole by the run view.
    post(Type::ToolCall, unitKey,
         {{QStringLiteral("toolCallId"), e.toolCallId},
          {QStringLiteral("tool"), e.toolName},
          {QStringLiteral("input"), e.input},
          {QStringLiteral("output"), e.output.left(20000)},
          {QStringLiteral("isError"), e.isError},
          {QStringLiteral("durationMs"), double(e.durationMs)}});
}

void IngestRun::post(IngestEvent::Type type, const QString &unitKey, const QJsonObject &data)
{
    IngestEvent e;
    e.type = type;
    e.phase = ingestPhaseName(m_phase);
    e.unitKey = unitKey;
    e.data = data;
    m_log->append(std::move(e));
}

void IngestRun::enter(IngestPhase phase)
{
    m_phase = phase;
    m_record.phase = ingestPhaseName(phase);
    if (m_store)
        (void)m_store->updateRun(m_record);
    post(Type::PhaseChanged, {}, {{QStringLiteral("phase"), ingestPhaseName(phase)}});
}

Result<IngestRunResult> IngestRun::run()
{
    const QString &projectDir = m_options.projectDir;
    // One ingest per project at a time (the lock dies with a killed process).
    auto lock = WorktreeLanding::lockProject(projectDir);
    if (!lock.ok())
        return lock.error();
    auto store = RunStore::open(projectDir);
    if (!store.ok())
        return store.error();
    m_store = std::move(store).value();
    auto repository = GitRepository::open(projectDir);
    if (!repository.ok())
        return makeError(QStringLiteral("not_a_repository"),
                         QStringLiteral("Enriched ingest lands runs as git commits, and %1 is not "
                                        "a git repository.")
                             .arg(projectDir),
                         QStringLiteral("Run `git init` there (ktx setup does), then run again."));
    GitRepository &repo = repository.value();

    IngestRunResult result;
    // Recovery first: a landing a kill interrupted is finished, killed runs
    // are marked, and their run branches (never landed) are removed.
    if (auto recovered = WorktreeLanding::recover(repo); !recovered.ok())
        return recovered.error();
    result.interruptedRuns = m_store->markInterrupted();
    for (const QString &id : std::as_const(result.interruptedRuns)) {
        RunEventLog old(id, RunEventLog::pathFor(projectDir, id));
        if (old.open().ok()) {
            IngestEvent e;
            e.type = Type::Interrupted;
            e.data = {{QStringLiteral("detectedBy"), m_options.runId}};
            old.append(e);
        }
    }
    for (const QString &branch : repo.branches(QStringLiteral("ktx/runs/"))) {
        const auto record = m_store->run(branch.mid(9));
        if (!record || record->status != QLatin1String("pending_review")) {
            // A run killed while deleting its branch leaves the ref's lock,
            // which would refuse every later delete; we hold the project lock,
            // so that writer is dead.
            // (A delete that still fails is retried by the next start.)
            repo.removeBranchLock(branch);
            (void)repo.deleteBranch(branch);
        }
    }

    if (Result<void> r = m_log->open(); !r.ok())
        return r.error();
    m_record.runId = m_options.runId;
    m_record.jobId = m_options.jobId;
    m_record.connectionId = m_options.connectionId;
    m_record.sourceKey = m_adapter->sourceKey();
    m_record.status = QStringLiteral("running");
    m_record.reviewMode = m_options.reviewMode;
    m_record.startedAtMs = QDateTime::currentMSecsSinceEpoch();
    m_record.pid = QCoreApplication::applicationPid();
    m_record.phase = ingestPhaseName(IngestPhase::Acquire);
    if (Result<void> r = m_store->insertRun(m_record); !r.ok())
        return r.error();
    result.eventsPath = m_log->filePath();

    const auto finish = [&](const QString &status, const Error *error) {
        m_record.status = status;
        m_record.finishedAtMs = QDateTime::currentMSecsSinceEpoch();
        m_report.status = status == QLatin1String("landed") ? QStringLiteral("completed") : status;
        if (error) {
            m_record.failurePhase = ingestPhaseName(m_phase);
            m_record.failureMessage = error->message;
            m_report.failurePhase = m_record.failurePhase;
            m_report.failureMessage = error->message;
            if (error->code == QLatin1String("cancelled")) {
                m_record.status = m_report.status = QStringLiteral("cancelled");
                post(Type::Cancelled, {}, {{QStringLiteral("phase"), m_record.failurePhase}});
            } else {
                post(Type::Failed, {},
                     {{QStringLiteral("phase"), m_record.failurePhase},
                      {QStringLiteral("code"), error->code},
                      {QStringLiteral("message"), error->message}});
            }
            // A run branch of a run that did not land is of no use to anyone.
            if (!m_record.runBranch.isEmpty()
                && m_record.status != QLatin1String("pending_review")) {
                (void)repo.deleteBranch(m_record.runBranch);
                m_record.runBranch.clear();
            }
        }
        (void)m_store->updateRun(m_record);
        (void)m_store->saveReport(m_record.runId, m_report.toJson());
        m_log->flush();
        result.record = m_record;
        result.report = m_report;
        return result;
    };
    post(Type::RunStarted, {},
         {{QStringLiteral("connectionId"), m_options.connectionId},
          {QStringLiteral("sourceKey"), m_adapter->sourceKey()},
          {QStringLiteral("jobId"), m_options.jobId},
          {QStringLiteral("reviewMode"), m_options.reviewMode},
          {QStringLiteral("pid"), double(m_record.pid)},
          {QStringLiteral("backend"), m_options.llm.backend},
          {QStringLiteral("maxConcurrency"), m_options.config.ingest.maxConcurrency},
          {QStringLiteral("stepBudget"), m_options.config.ingest.stepBudget}});

    const auto step = [&](IngestPhase phase) -> bool {
        enter(phase);
        return !m_options.cancel.isCancelled();
    };
    const auto failed = [&](const Error &e) {
        return finish(QStringLiteral("failed"), &e);
    };
    const auto stop = [&]() {
        const Error e = cancelled();
        return finish(QStringLiteral("cancelled"), &e);
    };

    if (!step(IngestPhase::Acquire))
        return stop();
    auto acquired = acquire(repo);
    if (!acquired.ok())
        return failed(acquired.error());
    m_record.baseCommit = acquired->baseCommit;

    if (!step(IngestPhase::StageRaw))
        return stop();
    auto staged = stageRaw(*acquired);
    if (!staged.ok())
        return failed(staged.error());
    m_record.syncId = staged->syncId;
    m_report.syncId = staged->syncId;

    if (!step(IngestPhase::Diff))
        return stop();
    auto diffed = diff(*acquired, *staged);
    if (!diffed.ok())
        return failed(diffed.error());
    m_report.added = int(diffed->added.size());
    m_report.modified = int(diffed->modified.size());
    m_report.deleted = int(diffed->deleted.size());
    m_report.unchanged = int(diffed->unchanged.size());
    m_report.rawHashes = diffed->hashes;
    m_record.diff = {{QStringLiteral("added"), m_report.added},
                     {QStringLiteral("modified"), m_report.modified},
                     {QStringLiteral("deleted"), m_report.deleted},
                     {QStringLiteral("unchanged"), m_report.unchanged}};

    if (!step(IngestPhase::Plan))
        return stop();
    auto planned = plan(*acquired, *staged, *diffed);
    if (!planned.ok())
        return failed(planned.error());

    if (!step(IngestPhase::RunUnits))
        return stop();
    auto ran = runUnits(*acquired, *staged, *planned);
    if (!ran.ok())
        return failed(ran.error());
    if (m_options.cancel.isCancelled())
        return stop();

    if (!step(IngestPhase::Integrate))
        return stop();
    auto integrated = integrate(*acquired, *staged, *ran);
    if (!integrated.ok())
        return failed(integrated.error());

    evict(*acquired, *diffed, integrated.value());

    if (!step(IngestPhase::Gates))
        return stop();
    auto gated = gates(*acquired, integrated.value());
    if (!gated.ok())
        return failed(gated.error());

    if (!step(IngestPhase::Reconcile))
        return stop();
    auto reconciled = reconcile(*acquired, *staged, *planned, integrated.value());
    if (!reconciled.ok())
        return m_options.cancel.isCancelled() ? stop() : failed(reconciled.error());
    if (m_options.cancel.isCancelled())
        return stop();

    if (!step(IngestPhase::Land))
        return stop();
    auto landed = land(repo, *acquired, *staged, *diffed, *integrated);
    if (!landed.ok())
        return failed(landed.error());
    m_record.commitId = landed->runCommit;
    m_record.landedCommit = landed->landedCommit;
    m_report.commitSha = landed->landedCommit.isEmpty() ? landed->runCommit : landed->landedCommit;
    return finish(landed->status, nullptr);
}

Result<IngestRun::Acquired> IngestRun::acquire(GitRepository &repository)
{
    Acquired a;
    a.branch = repository.currentBranch();
    a.baseCommit = repository.headCommitId();
    if (a.branch.isEmpty() || a.baseCommit.isEmpty())
        return makeError(QStringLiteral("detached_head"),
                         QStringLiteral("The project repository has no branch with a commit "
                                        "checked out."),
                         QStringLiteral("Check out a branch (git switch main), then run again."));
    // The run reads the commit, never the work tree: a person's uncommitted
    // edits are neither read as evidence nor overwritten.
    auto base = std::make_shared<BaseTree>();
    for (const QString &prefix :
         {QStringLiteral("semantic-layer"), QStringLiteral("wiki"),
          QString(QStringLiteral("raw-sources/") + m_options.connectionId)}) {
        if (prefix == QLatin1String("raw-sources/"))
            continue; // no connection: no committed evidence to read
        auto files = repository.listFiles(a.baseCommit, prefix);
        if (!files.ok())
            return files.error();
        for (const QString &path : *files) {
            auto bytes = repository.fileAt(a.baseCommit, path);
            if (!bytes.ok())
                return bytes.error();
            if (*bytes)
                base->insert(path, **bytes);
        }
    }
    const QMap<QString, QByteArray> captured = m_adapter->capturedFiles();
    for (auto it = captured.cbegin(); it != captured.cend(); ++it)
        base->insert(it.key(), it.value());
    QSet<QString> connections;
    for (auto it = base->cbegin(); it != base->cend(); ++it)
        if (it.key().startsWith(QLatin1String("semantic-layer/")))
            connections.insert(it.key().section(QLatin1Char('/'), 1, 1));
    for (const QString &c : allowedConnections())
        connections.insert(c);
    a.connections = QStringList(connections.cbegin(), connections.cend());
    a.connections.sort();
    a.base = base;
    return a;
}

Result<IngestRun::Staged> IngestRun::stageRaw(const Acquired &acquired)
{
    // The adapter's deterministic part first (a context source stages its new
    // evidence and extracts here); everything after reads the projected tree.
    auto projection = m_adapter->projection(*acquired.base);
    if (!projection.ok())
        return projection.error();
    ContextOverlay projected(acquired.base);
    for (auto it = projection->files.cbegin(); it != projection->files.cend(); ++it) {
        m_projected.insert(it.key());
        if (it.value())
            projected.write(it.key(), *it.value());
        else
            projected.remove(it.key());
    }
    Staged staged;
    staged.tree = projected.snapshot();
    staged.projection = projected.images();
    m_report.contextSource = m_adapter->sourceReport();
    reportProjection(*projection, staged.projection);
    // The structural ingest staged and committed the snapshot; this run works
    // from the newest one.
    auto sync = m_adapter->latestSync(*staged.tree, m_options.connectionId);
    if (!sync.ok())
        return sync.error();
    staged.syncDir = *sync;
    staged.syncId = sync->section(QLatin1Char('/'), -1);
    return staged;
}

void IngestRun::reportProjection(const IngestProjection &projection, const QList<FileImage> &images)
{
    // Evidence is not an artifact: only semantic-layer and wiki files become
    // writes of the projection unit, so Review shows where their lines came from.
    const QString unitKey = projectionUnitKey(m_adapter->sourceKey());
    WorkUnitReport unit;
    unit.unitKey = unitKey;
    unit.status = QStringLiteral("success");
    // Bounded: a hunk's provenance is found by its lines in the call's input;
    // a larger file is attributed to its last writer.
    constexpr qsizetype MaxInlineBytes = 64 * 1024;
    int n = 0;
    for (const FileImage &image : images) {
        const bool sl = image.path.startsWith(QLatin1String("semantic-layer/"));
        if (!sl && !image.path.startsWith(QLatin1String("wiki/")))
            continue;
        IngestAction a;
        a.target = sl ? QStringLiteral("sl") : QStringLiteral("wiki");
        a.type = !image.before ? QStringLiteral("created")
            : !image.after     ? QStringLiteral("removed")
                               : QStringLiteral("updated");
        a.path = image.path;
        QString name = image.path.section(QLatin1Char('/'), -1);
        name.truncate(name.lastIndexOf(QLatin1Char('.')));
        a.key = name;
        if (sl) {
            const QString connection = image.path.section(QLatin1Char('/'), 1, 1);
            if (connection != m_options.connectionId)
                a.targetConnectionId = connection;
        }
        a.detail = QStringLiteral("deterministic %1 extraction").arg(m_adapter->sourceKey());
        a.rawPaths = projection.evidence.value(image.path);
        for (const QString &raw : std::as_const(a.rawPaths))
            if (!unit.rawFiles.contains(raw))
                unit.rawFiles << raw;
        unit.actions << a;
        const QString tool = QStringLiteral("projection");
        post(Type::WriteDecision, unitKey,
             {{QStringLiteral("tool"), tool},
              {QStringLiteral("path"), image.path},
              {QStringLiteral("accepted"), true},
              {QStringLiteral("reason"), a.detail}});
        QJsonObject input {{QStringLiteral("path"), image.path},
                           {QStringLiteral("rawPaths"), QJsonArray::fromStringList(a.rawPaths)}};
        if (image.after && image.after->size() <= MaxInlineBytes)
            input.insert(QStringLiteral("content"), QString::fromUtf8(*image.after));
        post(Type::ToolCall, unitKey,
             {{QStringLiteral("toolCallId"), QStringLiteral("projection-%1").arg(++n)},
              {QStringLiteral("tool"), tool},
              {QStringLiteral("input"), input},
              {QStringLiteral("output"), a.type},
              {QStringLiteral("isError"), false},
              {QStringLiteral("durationMs"), 0.0}});
    }
    unit.rawFiles.sort();
    if (!unit.actions.isEmpty())
        m_report.workUnits << unit;
}

QStringList IngestRun::allowedConnections() const
{
    const QStringList targets = m_adapter->targetConnections();
    if (!targets.isEmpty())
        return targets;
    return m_options.connectionId.isEmpty() ? QStringList() : QStringList {m_options.connectionId};
}

bool IngestRun::modelAvailable() const
{
    if (m_options.loopRunner)
        return true;
    return !m_options.llm.backend.isEmpty() && m_options.llm.backend != QLatin1String("none");
}

Result<IngestDiff> IngestRun::diff(const Acquired &acquired, const Staged &staged)
{
    Q_UNUSED(acquired);
    const QJsonObject current = m_adapter->hashes(*staged.tree, staged.syncDir);
    const auto prior = m_store->lastLandedReport(m_options.connectionId, m_adapter->sourceKey());
    const QJsonObject priorRaw
        = prior ? prior->value(QStringLiteral("rawHashes")).toObject() : QJsonObject();
    // Reports older than unitHashes: the units covered what was staged.
    m_priorUnitHashes = prior && prior->contains(QStringLiteral("unitHashes"))
        ? prior->value(QStringLiteral("unitHashes")).toObject()
        : priorRaw;
    return LiveDatabaseAdapter::diff(current, priorRaw);
}

Result<IngestRun::Planned> IngestRun::plan(const Acquired &acquired, const Staged &staged,
                                           const IngestDiff &d)
{
    Planned p;
    // Units only for evidence no earlier unit covered (changed since, or
    // staged while units were skipped).
    const IngestDiff unitDiff = LiveDatabaseAdapter::diff(d.hashes, m_priorUnitHashes);
    p.units = m_adapter->plan(*staged.tree, staged.syncDir, unitDiff);
    p.wikiIndex = WorkUnitPrompt::wikiIndex(*staged.tree, m_adapter->userId());
    p.slIndex = WorkUnitPrompt::slIndex(*staged.tree, acquired.connections);
    p.fingerprint = WorkUnitPrompt::fingerprint(m_adapter->skillPrompt(), m_adapter->sourceKey(),
                                                m_options.connectionId, m_options.appVersion);
    p.systemPrompt = WorkUnitPrompt::systemPrompt(m_adapter->skillPrompt(), staged.syncId,
                                                  m_adapter->sourceKey(), m_options.connectionId);
    for (const WorkUnit &unit : std::as_const(p.units))
        post(Type::UnitPlanned, unit.unitKey,
             {{QStringLiteral("label"), unit.displayLabel},
              {QStringLiteral("rawFiles"), QJsonArray::fromStringList(unit.rawFiles)},
              {QStringLiteral("dependencyPaths"), QJsonArray::fromStringList(unit.dependencyPaths)},
              {QStringLiteral("peerFileCount"), unit.peerFileIndex.size()},
              {QStringLiteral("notes"), unit.notes}});
    return p;
}

WorkUnitOutcome IngestRun::runOneUnit(const WorkUnit &unit, const Acquired &acquired,
                                      const Staged &staged, const Planned &planned, int slot)
{
    Q_UNUSED(acquired);
    QElapsedTimer timer;
    timer.start();
    WorkUnitOutcome outcome;
    outcome.report.unitKey = unit.unitKey;
    outcome.report.rawFiles = unit.rawFiles;
    post(Type::UnitStarted, unit.unitKey,
         {{QStringLiteral("worker"), slot}, {QStringLiteral("cached"), false}});

    IngestToolScope scope;
    scope.projectDir = m_options.projectDir;
    scope.config = m_options.config;
    scope.runId = m_options.runId;
    scope.syncId = staged.syncId;
    scope.sourceKey = m_adapter->sourceKey();
    scope.connectionId = m_options.connectionId;
    scope.userId = m_adapter->userId();
    scope.unitKey = unit.unitKey;
    scope.rawRoot = staged.syncDir;
    scope.allowedRawPaths = unit.rawFiles;
    scope.readableRawPaths = unit.rawFiles + unit.dependencyPaths;
    scope.allowedConnections = allowedConnections();
    auto overlay = std::make_shared<ContextOverlay>(staged.tree);
    IngestToolSession session(scope, overlay, [this, key = unit.unitKey](const QJsonObject &d) {
        post(Type::WriteDecision, key, d);
    });

    LoopRequest request;
    request.role = CandidateRole;
    request.systemPrompt = planned.systemPrompt;
    request.userPrompt = WorkUnitPrompt::userPrompt(unit, planned.wikiIndex, planned.slIndex,
                                                    m_priorProvenance.value(unit.unitKey),
                                                    m_rejections.value(unit.unitKey));
    request.tools = session.toolSet();
    request.stepBudget = qMax(1, m_options.config.ingest.stepBudget);
    request.cancel = m_options.cancel;
    if (request.systemPrompt.size() + request.userPrompt.size() > 240000) {
        outcome.report.status = QStringLiteral("failed");
        outcome.report.reason = QStringLiteral("prompt too large");
    } else {
        int toolCalls = 0;
        const LoopResult r = runLoop(request, [&](const AgentEvent &e) {
            switch (e.kind) {
            case AgentEvent::Kind::ToolCallFinished:
                ++toolCalls;
                postToolCall(unit.unitKey, e);
                post(Type::UnitStep, unit.unitKey, {{QStringLiteral("toolCalls"), toolCalls}});
                break;
            case AgentEvent::Kind::ModelText:
                if (!e.text.trimmed().isEmpty())
                    post(Type::ModelMessage, unit.unitKey, {{QStringLiteral("text"), e.text}});
                break;
            case AgentEvent::Kind::StepFinished:
                post(Type::UnitStep, unit.unitKey,
                     {{QStringLiteral("steps"), e.step}, {QStringLiteral("toolCalls"), toolCalls}});
                break;
            case AgentEvent::Kind::RateLimitWait:
                post(Type::RateLimitWait, unit.unitKey,
                     {{QStringLiteral("waitMs"), double(e.waitMs)},
                      {QStringLiteral("reason"), e.text}});
                break;
            default:
                break;
            }
        });
        outcome.report.steps = r.steps;
        outcome.report.toolCalls = toolCalls;
        outcome.report.inputTokens
            = r.usage.inputTokens + r.usage.cacheReadTokens + r.usage.cacheWriteTokens;
        outcome.report.outputTokens = r.usage.outputTokens;
        outcome.report.costUsd = r.costUsd;
        if (r.stopReason == StopReason::Cancelled || m_options.cancel.isCancelled()) {
            outcome.report.status = QStringLiteral("cancelled");
        } else if (r.stopReason == StopReason::Error) {
            outcome.report.status = QStringLiteral("failed");
            outcome.report.reason = r.error.message;
        } else if (r.stopReason == StopReason::Budget) {
            outcome.report.status = QStringLiteral("failed");
            outcome.report.reason
                = QStringLiteral("step budget of %1 exhausted").arg(request.stepBudget);
        } else if (const QStringList problems = session.touchedSourceProblems();
                   !problems.isEmpty()) {
            outcome.report.status = QStringLiteral("failed");
            outcome.report.reason
                = QStringLiteral("sl_validate failed for: ") + problems.join(QStringLiteral("; "));
        } else {
            outcome.report.status = QStringLiteral("success");
            outcome.report.actions = session.actions();
            outcome.report.touchedSlSources = session.touchedSources();
            outcome.images = overlay->images();
        }
    }
    outcome.report.durationMs = timer.elapsed();
    QStringList written;
    for (const FileImage &image : std::as_const(outcome.images))
        written << image.path;
    QJsonObject finished {{QStringLiteral("status"), outcome.report.status},
                          {QStringLiteral("reason"), outcome.report.reason},
                          {QStringLiteral("steps"), outcome.report.steps},
                          {QStringLiteral("toolCalls"), outcome.report.toolCalls},
                          {QStringLiteral("cached"), false},
                          {QStringLiteral("durationMs"), double(outcome.report.durationMs)},
                          {QStringLiteral("filesWritten"), QJsonArray::fromStringList(written)}};
    // Tokens as the backend counted them (the live view's header sums them);
    // cost only when the backend states it (Claude Code does).
    finished.insert(QStringLiteral("usage"),
                    QJsonObject {{QStringLiteral("input"), double(outcome.report.inputTokens)},
                                 {QStringLiteral("output"), double(outcome.report.outputTokens)}});
    if (outcome.report.costUsd >= 0)
        finished.insert(QStringLiteral("costUsd"), outcome.report.costUsd);
    post(Type::UnitFinished, unit.unitKey, finished);
    return outcome;
}

Result<IngestRun::Ran> IngestRun::runUnits(const Acquired &acquired, const Staged &staged,
                                           const Planned &planned)
{
    Ran ran;
    if (!modelAvailable()) {
        // Without a model the deterministic part is the whole run; the units
        // stay planned (and unplanned next time only once a model covers them).
        m_report.unitsSkipped = QStringLiteral("no model configured (llm.provider.backend: none)");
        m_report.unitHashes = m_priorUnitHashes;
        post(Type::Notice, {},
             {{QStringLiteral("event"), QStringLiteral("stage_skipped")},
              {QStringLiteral("stage"), ingestPhaseName(IngestPhase::RunUnits)},
              {QStringLiteral("reason"), QStringLiteral("no_model")},
              {QStringLiteral("units"), int(planned.units.size())},
              {QStringLiteral("text"),
               QStringLiteral("Work units skipped: %1; %2 planned unit(s) wait for a model.")
                   .arg(m_report.unitsSkipped)
                   .arg(planned.units.size())}});
        for (const WorkUnit &unit : planned.units)
            post(Type::UnitFinished, unit.unitKey,
                 {{QStringLiteral("status"), QStringLiteral("skipped")},
                  {QStringLiteral("reason"), QStringLiteral("no model configured")}});
        return ran;
    }
    m_report.unitHashes = m_report.rawHashes;
    ran.outcomes.resize(planned.units.size());
    QList<int> pending;
    QStringList keys;
    // Refused changes reach the units they concern (prompt and cache key).
    const QList<PriorRejection> rejections = RejectionMemory::load(m_options.projectDir);
    for (int i = 0; i < planned.units.size(); ++i) {
        const WorkUnit &unit = planned.units.at(i);
        const QList<PriorRejection> refused
            = RejectionMemory::forUnit(rejections, unit, staged.syncDir, {});
        if (!refused.isEmpty())
            m_rejections.insert(unit.unitKey, refused);
        QMap<QString, QStringList> prior;
        for (const QString &raw : unit.rawFiles)
            prior.insert(raw,
                         m_store->priorProvenance(m_options.connectionId,
                                                  raw.mid(staged.syncDir.size() + 1)));
        m_priorProvenance.insert(unit.unitKey, prior);
        const QString key = WorkUnitCache::key(
            unit, *staged.tree, staged.syncDir, m_options.connectionId, m_adapter->sourceKey(),
            WorkUnitPrompt::unitFingerprint(planned.fingerprint, refused), CandidateRole,
            m_options.appVersion);
        keys << key;
        if (const auto payload = m_store->cachedUnit(key)) {
            auto cached = WorkUnitCache::decode(*payload);
            if (cached && WorkUnitCache::replayable(*cached, *staged.tree)) {
                cached->report.cached = true;
                cached->report.rawFiles = unit.rawFiles;
                ran.outcomes[i] = *cached;
                ++m_report.cacheHits;
                QStringList written;
                for (const FileImage &image : std::as_const(cached->images))
                    written << image.path;
                post(Type::UnitStarted, unit.unitKey, {{QStringLiteral("cached"), true}});
                post(Type::UnitFinished, unit.unitKey,
                     {{QStringLiteral("status"), cached->report.status},
                      {QStringLiteral("cached"), true},
                      {QStringLiteral("steps"), cached->report.steps},
                      {QStringLiteral("toolCalls"), cached->report.toolCalls},
                      {QStringLiteral("filesWritten"), QJsonArray::fromStringList(written)}});
                continue;
            }
            m_store->removeUnit(key); // drift: the files moved on since
        }
        pending << i;
    }
    m_report.modelCalls = int(pending.size());

    // Units on worker threads; the store stays on this thread.
    QThreadPool pool;
    pool.setMaxThreadCount(qMax(1, m_options.config.ingest.maxConcurrency));
    QMutex mutex;
    QWaitCondition done;
    int remaining = int(pending.size());
    QList<int> freeSlots;
    for (int s = pool.maxThreadCount() - 1; s >= 0; --s)
        freeSlots << s;
    for (const int i : std::as_const(pending)) {
        pool.start([&, i] {
            int slot = 0;
            {
                QMutexLocker lock(&mutex);
                slot = freeSlots.isEmpty() ? 0 : freeSlots.takeLast();
            }
            WorkUnitOutcome outcome;
            if (m_options.cancel.isCancelled()) {
                outcome.report.unitKey = planned.units.at(i).unitKey;
                outcome.report.rawFiles = planned.units.at(i).rawFiles;
                outcome.report.status = QStringLiteral("cancelled");
            } else {
                outcome = runOneUnit(planned.units.at(i), acquired, staged, planned, slot);
            }
            QMutexLocker lock(&mutex);
            ran.outcomes[i] = std::move(outcome);
            freeSlots << slot;
            if (--remaining == 0)
                done.wakeAll();
        });
    }
    {
        QMutexLocker lock(&mutex);
        while (remaining > 0)
            done.wait(&mutex);
    }
    pool.waitForDone();
    if (m_options.cancel.isCancelled())
        return cancelled();

    for (int i = 0; i < ran.outcomes.size(); ++i) {
        const WorkUnitOutcome &outcome = ran.outcomes.at(i);
        m_report.workUnits << outcome.report;
        if (outcome.report.status != QLatin1String("success"))
            m_report.failedWorkUnits << outcome.report.unitKey;
        else if (!outcome.report.cached)
            (void)m_store->storeUnit(keys.at(i), outcome.report.unitKey,
                                     WorkUnitCache::encode(outcome));
    }
    return ran;
}

Result<IngestRun::Integrated> IngestRun::integrate(const Acquired &acquired, const Staged &staged,
                                                   const Ran &ran)
{
    Integrated in;
    in.run = std::make_shared<ContextOverlay>(acquired.base);
    // The projection is the base every unit started from.
    for (const FileImage &image : staged.projection) {
        if (image.after)
            in.run->write(image.path, *image.after);
        else
            in.run->remove(image.path);
    }
    for (const WorkUnitOutcome &outcome : ran.outcomes) {
        if (outcome.report.status != QLatin1String("success"))
            continue;
        for (const FileImage &image : outcome.images) {
            const std::optional<QByteArray> current = in.run->read(image.path);
            if (current == image.after)
                continue;
            if (current == image.before) {
                if (image.after)
                    in.run->write(image.path, *image.after);
                else
                    in.run->remove(image.path);
                continue;
            }
            // Two units changed the same file: a 3-way merge with the base as ancestor.
            QString detail;
            if (image.before && image.after && current) {
                auto merged
                    = GitRepository::mergeFile(*image.before, *current, *image.after, image.path);
                if (!merged.ok())
                    return merged.error();
                if (!merged->conflicted) {
                    in.run->write(image.path, merged->merged);
                    continue;
                }
                detail = QStringLiteral("both changed the same lines");
            } else if (!image.before && image.after && current) {
                detail = QStringLiteral("both created the file");
            } else {
                detail = QStringLiteral("one unit deleted a file another changed");
            }
            // The resolver gets the three versions; what it writes must pass
            // the file's check, otherwise the earlier units' version stays.
            const QString resolution = resolveConflict(
                {image.path, outcome.report.unitKey, image.before, current, image.after}, *in.run);
            if (m_options.cancel.isCancelled())
                return cancelled();
            const QJsonObject conflict {{QStringLiteral("unitKey"), outcome.report.unitKey},
                                        {QStringLiteral("path"), image.path},
                                        {QStringLiteral("detail"), detail},
                                        {QStringLiteral("resolution"), resolution}};
            in.conflicts.append(conflict);
            post(Type::Conflict, outcome.report.unitKey, conflict);
        }
    }
    m_report.integrationConflicts = in.conflicts;
    return in;
}

QString IngestRun::resolveConflict(const IntegrationConflict &conflict, ContextOverlay &run)
{
    ConflictResolver resolver(conflict);
    const QString unit = QStringLiteral("resolve:") + conflict.unitKey;
    QString problem;
    for (int attempt = 1; attempt <= ConflictResolver::MaxAttempts; ++attempt) {
        ++m_report.resolverAttempts;
        LoopRequest request;
        request.role = RepairRole;
        request.systemPrompt = resolver.systemPrompt();
        request.userPrompt = resolver.userPrompt(problem);
        request.tools = resolver.toolSet();
        request.stepBudget = ConflictResolver::StepBudget;
        request.cancel = m_options.cancel;
        const LoopResult r = runLoop(request, [&](const AgentEvent &e) {
            if (e.kind == AgentEvent::Kind::ToolCallFinished)
                postToolCall(unit, e);
        });
        if (r.stopReason == StopReason::Cancelled || m_options.cancel.isCancelled())
            break;
        switch (resolver.verdict()) {
        case ConflictResolver::Verdict::Resolved:
            run.write(conflict.path, *resolver.merged());
            ++m_report.resolverRepairs;
            return QStringLiteral("resolved");
        case ConflictResolver::Verdict::Redundant:
            ++m_report.resolverRepairs;
            return QStringLiteral("redundant");
        case ConflictResolver::Verdict::Open:
            problem = r.stopReason == StopReason::Natural
                ? QStringLiteral("it ended without writing an accepted file")
                : QStringLiteral("it ended with %1 %2")
                      .arg(stopReasonName(r.stopReason), r.error.message);
            break;
        }
    }
    ++m_report.resolverFailures;
    return QStringLiteral("unresolved: kept the earlier units' version");
}

void IngestRun::evict(const Acquired &acquired, const IngestDiff &diff, Integrated &integrated)
{
    if (diff.deleted.isEmpty())
        return;
    const QSet<QString> deleted(diff.deleted.cbegin(), diff.deleted.cend());
    const QMap<QString, QSet<QString>> evidence
        = m_store->landedEvidence(m_options.connectionId, m_adapter->sourceKey());
    ContextOverlay &run = *integrated.run;
    const auto sourcePath = [&run](const QString &connection, const QString &name) {
        const QString folder = QStringLiteral("semantic-layer/%1/").arg(connection);
        const QString usual = folder + SourceFileName::forSource(name);
        if (run.exists(usual))
            return usual;
        // Renamed by a person: the in-file name is the identity.
        const QRegularExpression declares(
            QStringLiteral("^name:\\s*[\"']?%1[\"']?\\s*$").arg(QRegularExpression::escape(name)),
            QRegularExpression::MultilineOption);
        for (const QString &path : run.list(folder))
            if (!path.mid(folder.size()).contains(QLatin1Char('/'))
                && declares.match(QString::fromUtf8(run.read(path).value_or(QByteArray())))
                       .hasMatch())
                return path;
        return QString();
    };
    const auto wikiPath = [&run](const QString &key) {
        for (const QString &path : run.list(QStringLiteral("wiki/")))
            if (path.endsWith(QLatin1Char('/') + key + QStringLiteral(".md")))
                return path;
        return QString();
    };
    for (auto it = evidence.cbegin(); it != evidence.cend(); ++it) {
        // Still backed by a raw file that exists: kept.
        if (it.value().isEmpty() || !deleted.contains(it.value()))
            continue;
        const QStringList parts = it.key().split(QLatin1Char('|'));
        if (parts.size() != 3)
            continue;
        const QString &kind = parts.at(0);
        const QString target = parts.at(1).isEmpty() ? m_options.connectionId : parts.at(1);
        const QString &key = parts.at(2);
        // Another source's file (a dbt overlay on a warehouse source): removing
        // it would take that source's facts too.
        if (kind == QLatin1String("sl") && target != m_options.connectionId)
            continue;
        const QString path = kind == QLatin1String("wiki") ? wikiPath(key)
            : kind == QLatin1String("sl")                  ? sourcePath(target, key)
                                                           : QString();
        if (path.isEmpty() || m_projected.contains(path))
            continue; // already gone, or the source itself still states it
        // A unit of this run wrote it from current evidence: not evicted.
        const auto base = acquired.base->constFind(path);
        const std::optional<QByteArray> before
            = base == acquired.base->cend() ? std::nullopt : std::optional<QByteArray>(*base);
        if (run.read(path) != before)
            continue;
        QStringList raws(it.value().cbegin(), it.value().cend());
        raws.sort();
        EvictionApplied e;
        e.rawPath = raws.join(QLatin1Char(','));
        e.artifactKind = kind;
        e.artifactKey = key;
        e.path = path;
        e.reason = QStringLiteral("Its only evidence (%1) is gone from the source.")
                       .arg(raws.join(QStringLiteral(", ")));
        run.remove(path);
        m_report.evictionsApplied << e;
        post(Type::GateFinding, {},
             {{QStringLiteral("kind"), QStringLiteral("evicted")},
              {QStringLiteral("artifact"),
               kind == QLatin1String("wiki") ? QStringLiteral("wiki:") + key
                                             : QStringLiteral("%1:%2").arg(target, key)},
              {QStringLiteral("action"), e.action},
              {QStringLiteral("path"), path},
              {QStringLiteral("detail"), e.reason}});
    }
}

Result<ArtifactGates::Outcome> IngestRun::gates(const Acquired &acquired, Integrated &integrated)
{
    const ArtifactGates::Outcome outcome
        = ArtifactGates::apply(*integrated.run, acquired.connections);
    for (const GatePrune &p : outcome.pruned) {
        m_report.finalGatePrunedReferences << p;
        post(Type::GateFinding, {}, p.toJson());
    }
    for (const GatePrune &p : outcome.dropped) {
        m_report.finalGateDroppedSources << p;
        post(Type::GateFinding, {}, p.toJson());
        // A unit whose source was dropped did not deliver it.
        for (WorkUnitReport &unit : m_report.workUnits)
            for (const IngestAction &a : std::as_const(unit.actions))
                if (QStringLiteral("%1:%2").arg(a.targetConnectionId.isEmpty()
                                                    ? m_options.connectionId
                                                    : a.targetConnectionId,
                                                a.key)
                        == p.artifact
                    && unit.status == QLatin1String("success")) {
                    unit.status = QStringLiteral("failed");
                    unit.reason
                        = QStringLiteral("final artifact gate dropped invalid source(s): ") + a.key;
                    m_report.failedWorkUnits << unit.unitKey;
                }
    }
    return outcome;
}

Result<IngestRun::Reconciled> IngestRun::reconcile(const Acquired &acquired, const Staged &staged,
                                                   const Planned &planned, Integrated &integrated)
{
    Reconciled r;
    const bool anyActions = std::any_of(
        m_report.workUnits.cbegin(), m_report.workUnits.cend(), [](const WorkUnitReport &u) {
            return u.status == QLatin1String("success") && !u.actions.isEmpty()
                && !isProjectionUnit(u.unitKey);
        });
    if (!anyActions) {
        post(Type::Notice, {},
             {{QStringLiteral("text"),
               QStringLiteral("Reconciliation skipped: no unit wrote anything.")}});
        return r;
    }
    r.skipped = false;
    m_report.reconciliationSkipped = false;
    const BaseTreePtr combined = integrated.run->snapshot();
    auto overlay = std::make_shared<ContextOverlay>(combined);
    IngestToolScope scope;
    scope.projectDir = m_options.projectDir;
    scope.config = m_options.config;
    scope.runId = m_options.runId;
    scope.syncId = staged.syncId;
    scope.sourceKey = m_adapter->sourceKey();
    scope.connectionId = m_options.connectionId;
    scope.userId = m_adapter->userId();
    scope.rawRoot = staged.syncDir;
    for (auto it = combined->cbegin(); it != combined->cend(); ++it)
        if (it.key().startsWith(staged.syncDir + QLatin1Char('/')))
            scope.allowedRawPaths << it.key();
    scope.allowedRawPaths.sort();
    scope.readableRawPaths = scope.allowedRawPaths;
    scope.allowedConnections = allowedConnections();
    scope.reconcile = true;
    IngestToolSession session(scope, overlay, [this](const QJsonObject &d) {
        post(Type::WriteDecision, QStringLiteral("reconcile"), d);
    });
    LoopRequest request;
    request.role = ReconcileRole;
    request.systemPrompt = WorkUnitPrompt::reconcileSystemPrompt(
        staged.syncId, m_adapter->sourceKey(), m_options.connectionId);
    request.userPrompt = WorkUnitPrompt::reconcileUserPrompt(
        WorkUnitPrompt::wikiIndex(*combined, m_adapter->userId()),
        WorkUnitPrompt::slIndex(*combined, acquired.connections), m_report.workUnits);
    request.tools = session.toolSet();
    request.stepBudget = ReconcileBudget;
    request.cancel = m_options.cancel;
    Q_UNUSED(planned);
    const LoopResult result = runLoop(request, [&](const AgentEvent &e) {
        if (e.kind == AgentEvent::Kind::ToolCallFinished)
            postToolCall(QStringLiteral("reconcile"), e);
        else if (e.kind == AgentEvent::Kind::ModelText && !e.text.trimmed().isEmpty())
            post(Type::ModelMessage, QStringLiteral("reconcile"),
                 {{QStringLiteral("text"), e.text}});
    });
    if (result.stopReason == StopReason::Cancelled || m_options.cancel.isCancelled())
        return cancelled();
    r.records = session.records();
    for (const ReconciliationRecord &record : std::as_const(r.records)) {
        m_report.conflictsResolved << record;
        post(Type::ReconciliationRecord, record.unitKey, record.toJson());
    }
    if (result.stopReason != StopReason::Natural) {
        // The reconcile loop is an improvement, not a requirement: its writes
        // are dropped, the units' work still lands.
        post(Type::Notice, QStringLiteral("reconcile"),
             {{QStringLiteral("text"),
               QStringLiteral("Reconciliation ended with %1; its writes were dropped. %2")
                   .arg(stopReasonName(result.stopReason), result.error.message)}});
        return r;
    }
    r.actions = session.actions();
    m_report.reconciliationActions = r.actions;
    for (const FileImage &image : overlay->images()) {
        if (image.after)
            integrated.run->write(image.path, *image.after);
        else
            integrated.run->remove(image.path);
    }
    // What reconciliation wrote passes the same gates.
    auto again = gates(acquired, integrated);
    if (!again.ok())
        return again.error();
    return r;
}

Result<IngestRun::Landed> IngestRun::land(GitRepository &repository, const Acquired &acquired,
                                          const Staged &staged, const IngestDiff &d,
                                          const Integrated &integrated)
{
    Landed landed;
    GitRepository::FileChanges changes;
    QHash<QString, QString> hashOf; // raw path -> content hash, for provenance
    for (const FileImage &image : integrated.run->images())
        changes.insert(image.path, image.after);
    const QMap<QString, QByteArray> captured = m_adapter->capturedFiles();
    for (auto it = captured.cbegin(); it != captured.cend(); ++it)
        if (!changes.contains(it.key()))
            changes.insert(it.key(), it.value());

    // Provenance: one row per cited raw path, and a skipped row for the rest.
    QSet<QString> covered;
    for (const WorkUnitReport &unit : std::as_const(m_report.workUnits)) {
        if (unit.status != QLatin1String("success"))
            continue;
        for (const IngestAction &a : unit.actions) {
            for (const QString &raw : a.rawPaths.isEmpty() ? unit.rawFiles : a.rawPaths) {
                covered.insert(raw);
                m_report.provenanceRows << ProvenanceRow {raw,
                                                          sha256Hex(staged.tree->value(raw)),
                                                          a.target,
                                                          a.key,
                                                          a.targetConnectionId,
                                                          actionType(a)};
            }
        }
    }
    for (const IngestAction &a : std::as_const(m_report.reconciliationActions))
        for (const QString &raw : a.rawPaths) {
            covered.insert(raw);
            m_report.provenanceRows << ProvenanceRow {raw,
                                                      sha256Hex(staged.tree->value(raw)),
                                                      a.target,
                                                      a.key,
                                                      a.targetConnectionId,
                                                      actionType(a)};
        }
    for (const WorkUnitReport &unit : std::as_const(m_report.workUnits))
        for (const QString &raw : unit.rawFiles)
            if (!covered.contains(raw))
                m_report.provenanceRows << ProvenanceRow {
                    raw, sha256Hex(staged.tree->value(raw)), {}, {}, {}, QStringLiteral("skipped")};
    Q_UNUSED(hashOf);

    const QString message = commitMessage(m_adapter->sourceKey(), m_options.jobId, staged.syncId, d,
                                          m_report.failedWorkUnits);
    const GitRepository::Signature author = GitRepository::Signature::parse(
        m_options.config.storage.gitAuthor,
        {QStringLiteral("ktx"), QStringLiteral("ktx@example.com")});

    if (changes.isEmpty()) {
        landed.status = m_options.reviewMode == QLatin1String("review")
            ? QStringLiteral("landed") // nothing to review
            : QStringLiteral("landed");
    } else {
        auto commit = repository.createCommit(acquired.baseCommit, changes, message, author);
        if (!commit.ok())
            return commit.error();
        landed.runCommit = *commit;
        m_record.runBranch = runBranch(m_options.runId);
        if (Result<void> r = repository.setBranch(m_record.runBranch, *commit); !r.ok())
            return r.error();
        (void)m_store->updateRun(m_record);
        if (m_options.reviewMode == QLatin1String("review")) {
            landed.status = QStringLiteral("pending_review");
        } else {
            const QString head = repository.branchTarget(acquired.branch);
            QString tree = repository.treeIdOf(*commit);
            if (head != acquired.baseCommit) {
                auto merged = repository.mergeTrees(acquired.baseCommit, head, *commit);
                if (!merged.ok())
                    return merged.error();
                tree = *merged;
            }
            auto squash = repository.createCommitWithTree(head, tree, message, author);
            if (!squash.ok())
                return squash.error();
            auto paths = repository.changedPaths(head, *squash);
            if (!paths.ok())
                return paths.error();
            if (Result<void> r
                = WorktreeLanding::land(repository, {acquired.branch, head, *squash, *paths});
                !r.ok())
                return r.error();
            landed.landedCommit = *squash;
            landed.status = QStringLiteral("landed");
            (void)repository.deleteBranch(m_record.runBranch);
            m_record.runBranch.clear();
        }
    }
    if (Result<void> r
        = m_store->insertProvenance(m_options.runId, m_options.connectionId, m_adapter->sourceKey(),
                                    staged.syncId, m_report.provenanceRows);
        !r.ok())
        return r.error();
    post(Type::Landed, {},
         {{QStringLiteral("mode"), m_options.reviewMode},
          {QStringLiteral("status"), landed.status},
          {QStringLiteral("branch"), runBranch(m_options.runId)},
          {QStringLiteral("commitId"), landed.runCommit},
          {QStringLiteral("squashCommitId"), landed.landedCommit},
          {QStringLiteral("files"), int(changes.size())},
          {QStringLiteral("message"), message}});
    return landed;
}

} // namespace ktx
