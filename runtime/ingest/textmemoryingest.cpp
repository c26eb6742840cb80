#include "ingest/textmemoryingest.h"

#include "git/gitrepository.h"
#include "ingest/ingesttoolsession.h"
#include "ingest/runstore.h"
#include "ingest/wikipagetext.h"
#include "wiki/wikistore.h"

#include <QJsonArray>
#include <QSet>

#include <memory>

namespace ktx {

namespace {

QJsonValue orNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

void addUnique(QStringList &list, const QString &value)
{
    if (!value.isEmpty() && !list.contains(value))
        list << value;
}

} // namespace

QJsonObject TextMemoryStatus::capturedJson() const
{
    return {{QStringLiteral("wiki"), QJsonArray::fromStringList(wiki)},
            {QStringLiteral("sl"), QJsonArray::fromStringList(sl)},
            {QStringLiteral("xrefs"), QJsonArray::fromStringList(xrefs)}};
}

QJsonObject TextMemoryStatus::toJson() const
{
    return {{QStringLiteral("runId"), runId},
            {QStringLiteral("status"), status},
            {QStringLiteral("stage"), stage},
            {QStringLiteral("done"), done()},
            {QStringLiteral("captured"), capturedJson()},
            {QStringLiteral("error"), orNull(error)},
            {QStringLiteral("commitHash"), orNull(commitHash)},
            {QStringLiteral("skillsLoaded"), QJsonArray::fromStringList(skillsLoaded)},
            {QStringLiteral("signalDetected"), signalDetected}};
}

Result<LlmSettings> TextMemoryIngest::llmFor(const ProjectConfig &config, const QString &projectDir)
{
    if (config.llm.backend.isEmpty() || config.llm.backend == QLatin1String("none"))
        return makeError(QStringLiteral("no_model"),
                         QStringLiteral("Memory ingest needs a model: the memory agent decides "
                                        "what to keep, and llm.provider.backend is none."),
                         QStringLiteral("Run `ktx setup` to choose a model backend, then try "
                                        "again."));
    auto settings = LlmSettings::fromConfig(config.llm, projectDir);
    if (!settings.ok())
        return settings.error();
    if (!settings->isAgentCli()
        && settings->modelFor(QStringLiteral("candidateExtraction")).isEmpty())
        return makeError(QStringLiteral("no_model"),
                         QStringLiteral("No model is configured for the memory agent "
                                        "(llm.models.candidateExtraction or llm.models.default)."),
                         QStringLiteral("Run `ktx setup` to choose a model."));
    return settings;
}

Result<void> TextMemoryIngest::checkUserId(const QString &userId)
{
    if (WikiStore::isValidUserId(userId))
        return {};
    return makeError(QStringLiteral("invalid_user_id"),
                     QStringLiteral("Invalid user id \"%1\": a user id names the folder "
                                    "wiki/user/<userId>/, so it must be 1-128 letters, digits, "
                                    "'_', '-' or '.', start with a letter or digit, and contain "
                                    "no '..'.")
                         .arg(userId),
                     QStringLiteral("Pass e.g. --user-id alice, or leave it out for the "
                                    "default (local-cli)."));
}

Result<IngestRunResult> TextMemoryIngest::run(const Request &request)
{
    if (auto valid = checkUserId(request.userId); !valid.ok())
        return valid.error();
    IngestRunOptions options;
    options.projectDir = request.projectDir;
    options.config = request.config;
    options.connectionId = request.connectionId;
    options.reviewMode = request.config.review.mode == QLatin1String("review")
        ? QStringLiteral("review")
        : QStringLiteral("auto");
    options.llm = request.llm;
    options.cancel = request.cancel;
    options.appVersion = request.appVersion;
    options.runId = request.runId.isEmpty() ? IngestRun::newRunId() : request.runId;
    options.jobId = QStringLiteral("memory-") + options.runId.section(QLatin1Char('-'), -1);
    options.listener = request.listener;
    options.adapter = std::make_shared<TextMemoryAdapter>(
        request.note, request.connectionId, TextMemoryAdapter::syncIdFor(options.jobId),
        request.userId);
    IngestRun run(options);
    return run.run();
}

std::optional<TextMemoryStatus> TextMemoryIngest::status(const QString &projectDir,
                                                         const QString &runId)
{
    auto store = RunStore::open(projectDir);
    if (!store.ok())
        return std::nullopt;
    const auto record = (*store)->run(runId);
    if (!record || record->sourceKey != QLatin1String("text-memory"))
        return std::nullopt;
    return statusOf(*record, (*store)->report(runId).value_or(QJsonObject()), projectDir);
}

TextMemoryStatus TextMemoryIngest::statusOf(const IngestRunRecord &record,
                                            const QJsonObject &report, const QString &projectDir)
{
    TextMemoryStatus s;
    s.runId = record.runId;
    s.stage = record.phase;
    s.skillsLoaded << QStringLiteral("wiki_capture");
    if (!record.connectionId.isEmpty())
        s.skillsLoaded << QStringLiteral("sl_capture");
    if (record.status == QLatin1String("running")) {
        s.status = QStringLiteral("running");
        return s;
    }
    const bool ok = record.status == QLatin1String("landed")
        || record.status == QLatin1String("pending_review");
    s.status = ok ? QStringLiteral("done") : QStringLiteral("error");
    if (!ok)
        s.error = record.failureMessage.isEmpty()
            ? QStringLiteral("The memory run ended %1.").arg(record.status)
            : QStringLiteral("%1 (in %2)").arg(record.failureMessage, record.failurePhase);
    s.commitHash = record.landedCommit.isEmpty() ? record.commitId : record.landedCommit;

    // What the agent wrote and the gates kept: the actions of successful units
    // and of reconciliation, minus sources the gates dropped.
    QSet<QString> dropped;
    for (const QJsonValue &d : report.value(QLatin1String("finalGateDroppedSources")).toArray())
        dropped.insert(d.toObject().value(QLatin1String("artifact")).toString());
    QJsonArray actions = report.value(QLatin1String("reconciliationActions")).toArray();
    for (const QJsonValue &unit : report.value(QLatin1String("workUnits")).toArray()) {
        if (unit.toObject().value(QLatin1String("status")).toString() != QLatin1String("success"))
            continue;
        for (const QJsonValue &a : unit.toObject().value(QLatin1String("actions")).toArray())
            actions.append(a);
    }
    QStringList failedUnits;
    for (const QJsonValue &u : report.value(QLatin1String("failedWorkUnits")).toArray())
        failedUnits << u.toString();
    if (ok && !failedUnits.isEmpty()) {
        s.status = QStringLiteral("error");
        s.error = QStringLiteral("The memory agent failed: %1")
                      .arg(failedUnits.join(QStringLiteral(", ")));
        for (const QJsonValue &u : report.value(QLatin1String("workUnits")).toArray())
            if (const QString reason = u.toObject().value(QLatin1String("reason")).toString();
                !reason.isEmpty())
                s.error += QStringLiteral(" (") + reason + QLatin1Char(')');
    }
    for (const QJsonValue &v : std::as_const(actions)) {
        const QJsonObject a = v.toObject();
        const QString type = a.value(QLatin1String("type")).toString();
        const QString key = a.value(QLatin1String("key")).toString();
        if (type == QLatin1String("removed"))
            continue;
        if (a.value(QLatin1String("target")).toString() == QLatin1String("wiki")) {
            addUnique(s.wiki, key);
        } else {
            QString connection = a.value(QLatin1String("targetConnectionId")).toString();
            if (connection.isEmpty())
                connection = record.connectionId;
            const QString artifact = connection + QLatin1Char(':') + key;
            if (!dropped.contains(artifact))
                addUnique(s.sl, artifact);
        }
    }
    s.signalDetected = !s.wiki.isEmpty() || !s.sl.isEmpty();

    // Cross references: the sl_refs of the pages as committed.
    if (!s.commitHash.isEmpty() && !s.wiki.isEmpty()) {
        if (auto repository = GitRepository::open(projectDir); repository.ok()) {
            for (const QString &key : std::as_const(s.wiki)) {
                // user/<userId>/<key> for a user page (the report form), else a global key.
                const QString path = key.startsWith(QLatin1String("user/"))
                    ? QStringLiteral("wiki/%1.md").arg(key)
                    : IngestToolSession::wikiPath(key);
                auto bytes = repository->fileAt(s.commitHash, path);
                if (!bytes.ok() || !*bytes)
                    continue;
                auto page = WikiPageText::parse(**bytes);
                if (!page.ok())
                    continue;
                for (const QString &ref : std::as_const(page->slRefs))
                    addUnique(s.xrefs, QStringLiteral("%1 -> %2").arg(key, ref));
            }
        }
    }
    return s;
}

} // namespace ktx
