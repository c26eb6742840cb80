#include "ingestcommand.h"

#include "clicontext.h"
#include "db/queryhistoryoptions.h"
#include "ingest/contextsourceingest.h"
#include "ingest/ingestevent.h"
#include "ingest/ingestrun.h"
#include "ingest/queryhistoryingest.h"
#include "ingest/structuralingest.h"
#include "ingest/textmemoryingest.h"
#include "ingest/textmemoryverbatim.h"
#include "llm/llmsettings.h"
#include "project/configloader.h"
#include "project/projectlocator.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QMutex>

#include <algorithm>

namespace ktx {

namespace {

QString diffText(const StructuralIngestResult &r)
{
    return QStringLiteral("+%1/~%2/-%3/=%4")
        .arg(r.added)
        .arg(r.modified)
        .arg(r.deleted)
        .arg(r.unchanged);
}

// `ktx ingest --text/--file` (ktx-spec §9.5): each item is one memory run
// through the enriched pipeline, in the order given.
int captureText(CliContext &context, const ProjectLocator::Resolution &where,
                const ProjectConfig &config, const QStringList &texts, const QStringList &files,
                const QString &connectionId, const QString &userId, bool failFast,
                bool verbatim)
{
    if (!connectionId.isEmpty() && !config.connection(connectionId))
        return context.fail(
            QStringLiteral("unknown_connection"),
            QStringLiteral("Connection \"%1\" is not configured in ktx.yaml").arg(connectionId),
            QStringLiteral("See the connections with `ktx status`, or drop --connection-id."));
    QList<TextMemoryAdapter::Note> notes;
    for (int i = 0; i < texts.size(); ++i)
        notes << TextMemoryAdapter::Note {
            QStringLiteral("text %1").arg(i + 1), {}, texts.at(i).toUtf8()};
    for (const QString &path : files) {
        TextMemoryAdapter::Note note;
        if (path == QLatin1String("-")) {
            QFile in;
            if (!in.open(stdin, QIODevice::ReadOnly))
                return context.fail(QStringLiteral("io_error"),
                                    QStringLiteral("Could not read standard input."));
            note.label = QStringLiteral("stdin");
            note.content = in.readAll();
        } else {
            QFile in(path);
            if (!in.open(QIODevice::ReadOnly))
                return context.fail(
                    QStringLiteral("io_error"),
                    QStringLiteral("Could not read %1: %2").arg(path, in.errorString()),
                    QStringLiteral("Check the path, or pass - to read standard input."));
            note.label = path;
            note.fileName = TextMemoryAdapter::fileNameFor(QFileInfo(path).fileName());
            note.content = in.readAll();
        }
        notes << note;
    }
    for (const TextMemoryAdapter::Note &note : std::as_const(notes))
        if (note.content.trimmed().isEmpty())
            return context.fail(QStringLiteral("usage"),
                                QStringLiteral("Text item \"%1\" is empty.").arg(note.label),
                                QStringLiteral("Pass the text to remember."), ExitUsage);
    QElapsedTimer timer;
    timer.start();
    QJsonArray results;
    QStringList failedItems;
    // With no model (or --verbatim) each note is stored as written, as its own page.
    const bool noModel
        = config.llm.backend.isEmpty() || config.llm.backend == QLatin1String("none");
    if (verbatim || noModel) {
        if (!verbatim && !context.json)
            context.err() << "No model is configured (llm.provider.backend: none): each note is "
                             "stored verbatim as its own wiki page.\n"
                          << Qt::flush;
        for (const TextMemoryAdapter::Note &note : std::as_const(notes)) {
            auto stored = TextMemoryVerbatim::capture(where.dir, config, note, connectionId);
            const QJsonObject captured {
                {QStringLiteral("wiki"), stored ? QJsonArray {stored->key} : QJsonArray {}},
                {QStringLiteral("sl"), QJsonArray {}},
                {QStringLiteral("xrefs"), QJsonArray {}}};
            results.append(QJsonObject {
                {QStringLiteral("label"), note.label},
                {QStringLiteral("runId"), QJsonValue()},
                {QStringLiteral("status"),
                 stored ? QStringLiteral("done") : QStringLiteral("error")},
                {QStringLiteral("verbatim"), true},
                {QStringLiteral("captured"), captured},
                {QStringLiteral("commitHash"),
                 stored && !stored->commitHash.isEmpty() ? QJsonValue(stored->commitHash)
                                                         : QJsonValue()},
                {QStringLiteral("error"),
                 stored ? QJsonValue() : QJsonValue(stored.error().toText())}});
            if (!stored) {
                failedItems << QStringLiteral("%1: %2").arg(note.label, stored.error().toText());
                if (!context.json)
                    context.out() << note.label << ": error, " << stored.error().message << "\n";
                if (failFast)
                    break;
                continue;
            }
            if (!context.json)
                context.out()
                    << note.label << ": stored verbatim as " << stored->path
                    << (stored->unchanged
                            ? QStringLiteral(" (unchanged)")
                            : QStringLiteral(" (commit %1)").arg(stored->commitHash.left(12)))
                    << "\n";
        }
    } else {
        auto llm = TextMemoryIngest::llmFor(config, where.dir);
        if (!llm.ok())
            return context.fail(llm.error().code, llm.error().message, llm.error().hint);
        for (const TextMemoryAdapter::Note &note : std::as_const(notes)) {
            TextMemoryIngest::Request request;
            request.projectDir = where.dir;
            request.config = config;
            request.llm = *llm;
            request.connectionId = connectionId;
            request.userId = userId;
            request.note = note;
            request.appVersion = QCoreApplication::applicationVersion();
            if (!context.json) {
                context.err() << "Capturing " << note.label << "…\n" << Qt::flush;
                request.listener = [&context](const IngestEvent &e) {
                    if (e.type == IngestEvent::Type::PhaseChanged)
                        context.err()
                            << "  " << e.data.value(QStringLiteral("phase")).toString() << "…\n"
                            << Qt::flush;
                };
            }
            auto ran = TextMemoryIngest::run(request);
            TextMemoryStatus status;
            if (ran.ok()) {
                status = TextMemoryIngest::statusOf(ran->record, ran->report.toJson(), where.dir);
            } else {
                status.status = QStringLiteral("error");
                status.error = ran.error().toText();
            }
            results.append(QJsonObject {
                {QStringLiteral("label"), note.label},
                {QStringLiteral("runId"), status.runId},
                {QStringLiteral("status"), status.status},
                {QStringLiteral("captured"), status.capturedJson()},
                {QStringLiteral("commitHash"),
                 status.commitHash.isEmpty() ? QJsonValue() : QJsonValue(status.commitHash)},
                {QStringLiteral("error"),
                 status.error.isEmpty() ? QJsonValue() : QJsonValue(status.error)}});
            if (!context.json) {
                context.out() << note.label << ": " << status.status;
                if (!status.wiki.isEmpty())
                    context.out() << ", wiki " << status.wiki.join(QStringLiteral(", "));
                if (!status.sl.isEmpty())
                    context.out() << ", semantic layer " << status.sl.join(QStringLiteral(", "));
                if (status.status == QLatin1String("done") && !status.signalDetected)
                    context.out() << ", nothing worth keeping";
                if (!status.commitHash.isEmpty())
                    context.out() << " (commit " << status.commitHash.left(12) << ")";
                context.out() << "\n";
            }
            if (status.status != QLatin1String("done")) {
                failedItems << QStringLiteral("%1: %2").arg(note.label, status.error);
                if (failFast)
                    break;
            }
        }
    }
    if (context.json) {
        context.printJson(QJsonObject {
            {QStringLiteral("status"),
             failedItems.isEmpty() ? QStringLiteral("done") : QStringLiteral("failed")},
            {QStringLiteral("projectDir"), where.dir},
            {QStringLiteral("connectionId"),
             connectionId.isEmpty() ? QJsonValue() : QJsonValue(connectionId)},
            {QStringLiteral("results"), results}});
    } else {
        context.out() << "\nText memory ingest finished"
                      << (failedItems.isEmpty() ? "" : " with failures") << " in "
                      << QString::number(timer.elapsed() / 1000.0, 'f', 1) << "s.\n";
        if (!failedItems.isEmpty()) {
            context.out() << "Failed text items:\n";
            for (const QString &item : std::as_const(failedItems))
                context.out() << "  " << item << "\n";
        }
    }
    return failedItems.isEmpty() ? ExitOk : ExitFailure;
}

} // namespace

int IngestCommand::run(CliContext &context, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Build context from the configured databases: a schema snapshot as raw "
                       "evidence, one semantic source per "
                       "table with grain, columns and joins, landed as one git commit. Re-running "
                       "on an unchanged database "
                       "writes nothing. With --text or --file, remember notes instead: a memory "
                       "agent turns each into wiki pages, landed as one commit per note."));
    const QCommandLineOption all(QStringLiteral("all"),
                                 QStringLiteral("Ingest every connection (the default)."));
    parser.addOption(all);
    const QCommandLineOption queryHistory(
        QStringLiteral("query-history"),
        QStringLiteral("Read the warehouse's query history (PostgreSQL: pg_stat_statements) "
                       "this run, whatever connections.<id>.context.queryHistory says."));
    const QCommandLineOption noQueryHistory(QStringLiteral("no-query-history"),
                                            QStringLiteral("Do not read query history this run."));
    parser.addOption(queryHistory);
    parser.addOption(noQueryHistory);
    const QCommandLineOption text(
        QStringLiteral("text"),
        QStringLiteral("Remember this Markdown: the memory agent turns it into wiki pages (and "
                       "with --connection-id semantic-layer edits). Repeatable."),
        QStringLiteral("content"));
    const QCommandLineOption file(QStringLiteral("file"),
                                  QStringLiteral("Remember the contents of this file (- reads "
                                                 "standard input). Repeatable."),
                                  QStringLiteral("path"));
    const QCommandLineOption connectionIdOption(
        QStringLiteral("connection-id"),
        QStringLiteral("Tag captured notes with a connection; allows semantic-layer edits."),
        QStringLiteral("id"));
    const QCommandLineOption verbatimOption(
        QStringLiteral("verbatim"),
        QStringLiteral("Store each --text/--file note as written, as its own global wiki page "
                       "(named by its file or leading heading); no model. The default when no "
                       "model is configured."));
    const QCommandLineOption userIdOption(
        QStringLiteral("user-id"),
        QStringLiteral("Memory user id for capture (default local-cli): the memory agent sees "
                       "this user's wiki/user/<id>/ pages and may keep personal notes there. "
                       "Letters, digits, _ - . only. No effect with --verbatim or without a "
                       "model: those pages are always global."),
        QStringLiteral("id"), QStringLiteral("local-cli"));
    const QCommandLineOption failFast(QStringLiteral("fail-fast"),
                                      QStringLiteral("Stop at the first failed text/file item."));
    parser.addOption(text);
    parser.addOption(file);
    parser.addOption(connectionIdOption);
    parser.addOption(userIdOption);
    parser.addOption(failFast);
    parser.addOption(verbatimOption);
    parser.addPositionalArgument(QStringLiteral("connectionId"),
                                 QStringLiteral("The connection to ingest."),
                                 QStringLiteral("[connectionId]"));
    if (const auto exit = context.parse(parser, QStringLiteral("ingest"), args))
        return *exit;
    const QStringList positional = parser.positionalArguments();
    const bool capture = parser.isSet(text) || parser.isSet(file);
    if (parser.isSet(verbatimOption) && !capture)
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("--verbatim requires --text or --file"), {}, ExitUsage);
    if (capture && !positional.isEmpty())
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("--text/--file does not accept a positional connection "
                                           "id; use --connection-id <id> to tag captured notes"),
                            {}, ExitUsage);
    if (capture && parser.isSet(all))
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("--all cannot be combined with --text or --file"), {},
                            ExitUsage);
    if (!capture
        && (parser.isSet(connectionIdOption) || parser.isSet(userIdOption)
            || parser.isSet(failFast)))
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("Provide at least one text item with --text, a file "
                                           "path, or - for stdin."),
                            {}, ExitUsage);
    // Refused before anything runs: the id names a folder under wiki/user/.
    if (auto valid = TextMemoryIngest::checkUserId(parser.value(userIdOption)); !valid.ok())
        return context.fail(QStringLiteral("usage"), valid.error().message, valid.error().hint,
                            ExitUsage);
    if (positional.size() > 1 || (positional.size() == 1 && parser.isSet(all)))
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("Name one connection, or pass --all."),
                            QStringLiteral("Run `ktx ingest --help` for usage."), ExitUsage);
    if (parser.isSet(queryHistory) && parser.isSet(noQueryHistory))
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("--query-history and --no-query-history conflict."),
                            QStringLiteral("Pass one of them, or neither to use ktx.yaml."),
                            ExitUsage);

    const ProjectLocator::Resolution where = ProjectLocator::resolve(context.projectDirFlag);
    if (!where.hasConfig)
        return context.fail(
            QStringLiteral("missing_project"),
            QStringLiteral("No ktx.yaml found in %1").arg(where.dir),
            QStringLiteral("Run `ktx setup` to create a project, or pass --project-dir."));
    auto loaded = ConfigLoader::loadFile(ProjectLocator::configPath(where.dir));
    if (!loaded.ok())
        return context.fail(loaded.error().code, loaded.error().message, loaded.error().hint);
    if (loaded->hasErrors()) {
        const auto first = std::find_if(loaded->issues.cbegin(), loaded->issues.cend(),
                                        [](const ConfigIssue &i) { return i.isError(); });
        return context.fail(QStringLiteral("invalid_config"),
                            QStringLiteral("%1: %2").arg(first->location(), first->message),
                            first->fix);
    }
    const ProjectConfig &config = loaded->config;
    if (capture)
        return captureText(context, where, config, parser.values(text), parser.values(file),
                           parser.value(connectionIdOption), parser.value(userIdOption),
                           parser.isSet(failFast),
                           parser.isSet(verbatimOption));

    QList<const ConnectionConfig *> targets;
    QList<const ConnectionConfig *> sourceTargets;
    QStringList skipped;
    if (positional.size() == 1) {
        const ConnectionConfig *connection = config.connection(positional.constFirst());
        if (!connection)
            return context.fail(
                QStringLiteral("unknown_connection"),
                QStringLiteral("Connection \"%1\" is not configured in ktx.yaml")
                    .arg(positional.constFirst()),
                QStringLiteral(
                    "See the connections with `ktx status`, or add one with `ktx setup`."));
        // Context sources with a parser (dbt, ...) take the context-source path.
        if (connection->kind() == ConnectionKind::ContextSource
            && contextSourceParser(connection->driver))
            sourceTargets << connection;
        else if (connection->kind() != ConnectionKind::Warehouse)
            return context.fail(
                QStringLiteral("unsupported_driver"),
                QStringLiteral("Connection \"%1\" uses unsupported public ingest driver \"%2\"")
                    .arg(connection->id, connection->driver),
                QStringLiteral("This version ingests databases (sqlite, postgres, mysql)."));
        else
            targets << connection;
    } else {
        for (const ConnectionConfig &connection : config.connections) {
            if (connection.kind() == ConnectionKind::Warehouse)
                targets << &connection;
            else if (contextSourceParser(connection.driver))
                sourceTargets << &connection; // after the warehouses they map onto
            else
                skipped << connection.id;
        }
        std::sort(
            targets.begin(), targets.end(),
            [](const ConnectionConfig *a, const ConnectionConfig *b) { return a->id < b->id; });
        if (targets.isEmpty() && sourceTargets.isEmpty())
            return context.fail(QStringLiteral("nothing_to_ingest"),
                                QStringLiteral("No configured connections are eligible for ingest"),
                                QStringLiteral("Add a database with `ktx setup --no-input "
                                               "--database sqlite --database-url <file>`."));
    }

    QStringList notices;
    const bool enrich
        = config.llm.backend != QLatin1String("none") && !config.llm.backend.isEmpty();
    const QString reviewMode = config.review.mode == QLatin1String("review")
        ? QStringLiteral("review")
        : QStringLiteral("auto"); // the CLI default, as in the original
    if (reviewMode == QLatin1String("review"))
        notices << QStringLiteral(
            "review.mode is `review`: the schema snapshot is committed directly; enriched "
            "changes wait on a ktx/runs/<runId> branch for review.");
    // The pre-flight enrichment gate (ktx-spec §9.1): a model is needed before
    // anything runs for a target.
    std::optional<LlmSettings> llm;
    QString enrichmentGap;
    if (enrich) {
        auto settings = LlmSettings::fromConfig(config.llm, where.dir);
        if (!settings.ok())
            enrichmentGap = settings.error().message;
        else if (!settings->isAgentCli()
                 && settings->modelFor(QStringLiteral("candidateExtraction")).isEmpty())
            enrichmentGap = QStringLiteral("model configuration");
        else
            llm = *settings;
    }
    for (const QString &notice : std::as_const(notices))
        if (!context.json)
            context.err() << "Warning: " << notice << "\n";

    QJsonArray results;
    bool failed = false;
    bool historyFailed = false;
    QStringList skippedHistory;
    struct Row
    {
        QString id;
        QString status;
        QString detail;
        QString history = QStringLiteral("skipped");
    };
    QList<Row> rows;
    QStringList skippedEnrichment;
    QMutex outputMutex;
    for (const ConnectionConfig *connection : std::as_const(targets)) {
        if (!enrichmentGap.isEmpty()) {
            failed = true;
            const QString detail = enrichmentGap == QLatin1String("model configuration")
                ? QStringLiteral("%1 cannot be ingested: enrichment is not configured (model "
                                 "configuration). Run ktx setup to configure a model and "
                                 "embeddings.")
                      .arg(connection->id)
                : QStringLiteral("%1 cannot be ingested: enrichment is not configured (%2). Run "
                                 "ktx setup to configure a model and embeddings.")
                      .arg(connection->id, enrichmentGap);
            results.append(QJsonObject {
                {QStringLiteral("connectionId"), connection->id},
                {QStringLiteral("driver"), connection->driver},
                {QStringLiteral("preflightFailure"), detail},
                {QStringLiteral("steps"),
                 QJsonArray {QJsonObject {
                     {QStringLiteral("operation"), QStringLiteral("database-schema")},
                     {QStringLiteral("status"), QStringLiteral("not-run")},
                     {QStringLiteral("code"), QStringLiteral("enrichment_not_configured")},
                     {QStringLiteral("detail"), detail}}}}});
            rows << Row {connection->id, QStringLiteral("not-run"), detail,
                         QStringLiteral("not-run")};
            continue;
        }
        const auto progress = [&](const QString &message) {
            if (!context.json)
                context.err() << "  " << message << "…\n" << Qt::flush;
        };
        const Result<QueryHistoryOptions> options
            = QueryHistoryOptions::fromConnection(*connection);
        const bool wanted = parser.isSet(queryHistory)
            || (!parser.isSet(noQueryHistory) && (!options.ok() || options->enabled));
        auto outcome = StructuralIngest::run(where.dir, config, *connection, {}, progress);
        QJsonObject json {{QStringLiteral("connectionId"), connection->id},
                          {QStringLiteral("driver"), connection->driver}};
        if (!outcome.ok()) {
            failed = true;
            const QString detail = outcome.error().toText();
            json.insert(QStringLiteral("steps"),
                        QJsonArray {QJsonObject {
                            {QStringLiteral("operation"), QStringLiteral("database-schema")},
                            {QStringLiteral("status"), QStringLiteral("failed")},
                            {QStringLiteral("detail"), detail},
                            {QStringLiteral("code"), outcome.error().code}}});
            rows << Row {connection->id, QStringLiteral("failed"), detail,
                         wanted ? QStringLiteral("not-run") : QStringLiteral("skipped")};
        } else {
            const StructuralIngestResult &r = *outcome;
            const QString detail = r.changedAnything()
                ? QStringLiteral("%1 tables, %2 joins, diff %3")
                      .arg(r.tables)
                      .arg(r.joins)
                      .arg(diffText(r))
                : QStringLiteral("%1 tables, unchanged").arg(r.tables);
            json.insert(QStringLiteral("steps"),
                        QJsonArray {QJsonObject {
                            {QStringLiteral("operation"), QStringLiteral("database-schema")},
                            {QStringLiteral("status"), QStringLiteral("done")},
                            {QStringLiteral("detail"), detail}}});
            json.insert(QStringLiteral("jobId"), r.jobId);
            json.insert(QStringLiteral("syncId"), r.syncId);
            json.insert(QStringLiteral("commitId"), r.commitId);
            json.insert(QStringLiteral("diff"),
                        QJsonObject {{QStringLiteral("added"), r.added},
                                     {QStringLiteral("modified"), r.modified},
                                     {QStringLiteral("deleted"), r.deleted},
                                     {QStringLiteral("unchanged"), r.unchanged}});
            json.insert(QStringLiteral("keptEdited"), QJsonArray::fromStringList(r.keptEdited));
            json.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(r.warnings));
            rows << Row {connection->id, QStringLiteral("done"), detail};
            for (const QString &kept : r.keptEdited)
                rows.last().detail += QStringLiteral("\n    kept as edited: ") + kept;
            for (const QString &warning : r.warnings)
                rows.last().detail += QStringLiteral("\n    warning: ") + warning;

            // Query history runs after the schema scan, which it needs for names.
            QJsonArray steps = json.value(QStringLiteral("steps")).toArray();
            if (wanted && !options.ok()) {
                historyFailed = true;
                rows.last().history = QStringLiteral("failed");
                rows.last().detail
                    += QStringLiteral("\n    query history: ") + options.error().message;
                steps.append(
                    QJsonObject {{QStringLiteral("operation"), QStringLiteral("query-history")},
                                 {QStringLiteral("status"), QStringLiteral("failed")},
                                 {QStringLiteral("code"), options.error().code},
                                 {QStringLiteral("detail"), options.error().message},
                                 {QStringLiteral("fix"), options.error().hint}});
            } else if (wanted) {
                const QueryHistoryIngestResult h = QueryHistoryIngest::run(
                    where.dir, config, *connection, *options, {}, progress);
                QJsonObject step {{QStringLiteral("operation"), QStringLiteral("query-history")},
                                  {QStringLiteral("status"), h.status},
                                  {QStringLiteral("detail"), h.detail}};
                if (!h.code.isEmpty())
                    step.insert(QStringLiteral("code"), h.code);
                if (!h.fix.isEmpty())
                    step.insert(QStringLiteral("fix"), h.fix);
                steps.append(step);
                json.insert(
                    QStringLiteral("queryHistory"),
                    QJsonObject {
                        {QStringLiteral("jobId"), h.jobId},
                        {QStringLiteral("syncId"), h.syncId},
                        {QStringLiteral("commitId"), h.commitId},
                        {QStringLiteral("statementsRead"), double(h.statementsRead)},
                        {QStringLiteral("templates"), h.templates},
                        {QStringLiteral("tables"), h.tables},
                        {QStringLiteral("diff"),
                         QJsonObject {{QStringLiteral("added"), h.added},
                                      {QStringLiteral("modified"), h.modified},
                                      {QStringLiteral("deleted"), h.deleted},
                                      {QStringLiteral("unchanged"), h.unchanged}}},
                        {QStringLiteral("warnings"), QJsonArray::fromStringList(h.warnings)}});
                rows.last().history = h.status;
                if (h.status == QLatin1String("failed")) {
                    historyFailed = true;
                    rows.last().detail += QStringLiteral("\n    query history failed: ") + h.detail;
                    if (!h.fix.isEmpty())
                        rows.last().detail += QStringLiteral("\n    fix: ") + h.fix;
                } else if (h.status == QLatin1String("skipped")) {
                    skippedHistory << QStringLiteral("%1: %2").arg(connection->id, h.detail);
                    for (const QString &warning : h.warnings)
                        if (!context.json)
                            context.err() << "Warning: " << warning << "\n";
                } else {
                    rows.last().detail += QStringLiteral("\n    query history: ") + h.detail;
                    for (const QString &warning : h.warnings)
                        rows.last().detail += QStringLiteral("\n    warning: ") + warning;
                }
            } else {
                steps.append(
                    QJsonObject {{QStringLiteral("operation"), QStringLiteral("query-history")},
                                 {QStringLiteral("status"), QStringLiteral("skipped")},
                                 {QStringLiteral("detail"), QStringLiteral("not enabled")}});
            }
            // Enrichment: the agent pipeline over the snapshot just committed.
            if (!llm) {
                steps.append(QJsonObject {
                    {QStringLiteral("operation"), QStringLiteral("enrichment")},
                    {QStringLiteral("status"), QStringLiteral("skipped")},
                    {QStringLiteral("detail"),
                     QStringLiteral("no model configured (llm.provider.backend: none)")}});
                skippedEnrichment << QStringLiteral(
                                         "%1: no model configured (llm.provider.backend: none); "
                                         "descriptions, measures, joins and wiki pages were not "
                                         "generated. Run `ktx setup` to choose a model.")
                                         .arg(connection->id);
            } else {
                IngestRunOptions options;
                options.projectDir = where.dir;
                options.config = config;
                options.connectionId = connection->id;
                options.reviewMode = reviewMode;
                options.llm = *llm;
                options.appVersion = QCoreApplication::applicationVersion();
                if (!context.json)
                    options.listener = [&context, &outputMutex](const IngestEvent &e) {
                        if (e.type != IngestEvent::Type::UnitFinished
                            && e.type != IngestEvent::Type::PhaseChanged)
                            return;
                        QMutexLocker lock(&outputMutex);
                        if (e.type == IngestEvent::Type::PhaseChanged)
                            context.err()
                                << "  enrichment: "
                                << e.data.value(QStringLiteral("phase")).toString() << "…\n"
                                << Qt::flush;
                        else
                            context.err()
                                << "    " << e.unitKey << ": "
                                << e.data.value(QStringLiteral("status")).toString()
                                << (e.data.value(QStringLiteral("cached")).toBool() ? " (cached)"
                                                                                    : "")
                                << "\n"
                                << Qt::flush;
                    };
                IngestRun run(options);
                auto ran = run.run();
                QJsonObject step {{QStringLiteral("operation"), QStringLiteral("enrichment")}};
                if (!ran.ok()) {
                    failed = true;
                    step.insert(QStringLiteral("status"), QStringLiteral("failed"));
                    step.insert(QStringLiteral("code"), ran.error().code);
                    step.insert(QStringLiteral("detail"), ran.error().toText());
                    rows.last().detail
                        += QStringLiteral("\n    enrichment failed: ") + ran.error().toText();
                } else {
                    const IngestRunRecord &rec = ran->record;
                    const IngestReport &rep = ran->report;
                    const bool ok = rec.status == QLatin1String("landed")
                        || rec.status == QLatin1String("pending_review");
                    if (!ok || !rep.failedWorkUnits.isEmpty())
                        historyFailed = true; // partial failure
                    if (!ok)
                        failed = true;
                    const QString detail
                        = QStringLiteral(
                              "run %1 %2: %3 units (%4 failed, %5 cached), %6 gate prunes")
                              .arg(rec.runId, rec.status)
                              .arg(rep.workUnits.size())
                              .arg(rep.failedWorkUnits.size())
                              .arg(rep.cacheHits)
                              .arg(rep.finalGatePrunedReferences.size()
                                   + rep.finalGateDroppedSources.size());
                    step.insert(QStringLiteral("status"),
                                ok ? QStringLiteral("done") : QStringLiteral("failed"));
                    step.insert(QStringLiteral("detail"),
                                rec.failureMessage.isEmpty()
                                    ? detail
                                    : detail + QStringLiteral(" — ") + rec.failurePhase
                                        + QStringLiteral(": ") + rec.failureMessage);
                    step.insert(QStringLiteral("runId"), rec.runId);
                    step.insert(QStringLiteral("runStatus"), rec.status);
                    step.insert(QStringLiteral("branch"), rec.runBranch);
                    step.insert(QStringLiteral("commitId"), rep.commitSha);
                    step.insert(QStringLiteral("workUnits"), int(rep.workUnits.size()));
                    step.insert(QStringLiteral("failedWorkUnits"),
                                QJsonArray::fromStringList(rep.failedWorkUnits));
                    step.insert(QStringLiteral("cacheHits"), rep.cacheHits);
                    step.insert(QStringLiteral("modelUnits"), rep.modelCalls);
                    step.insert(QStringLiteral("interruptedRuns"),
                                QJsonArray::fromStringList(ran->interruptedRuns));
                    step.insert(QStringLiteral("events"), ran->eventsPath);
                    rows.last().detail += QStringLiteral("\n    enrichment: ") + detail;
                    if (!rec.failureMessage.isEmpty())
                        rows.last().detail += QStringLiteral("\n    enrichment failed in %1: %2")
                                                  .arg(rec.failurePhase, rec.failureMessage);
                    for (const QString &unit : rep.failedWorkUnits)
                        rows.last().detail += QStringLiteral("\n    failed unit: ") + unit;
                    rows.last().detail += QStringLiteral("\n    Run: ") + rec.runId;
                }
                steps.append(step);
            }
            json.insert(QStringLiteral("steps"), steps);
        }
        results.append(json);
    }
    // Context sources (ktx-spec §9.3, issue G): one IngestRun each — the
    // deterministic extraction, then work units when a model is configured.
    for (const ConnectionConfig *connection : std::as_const(sourceTargets)) {
        const ContextSourceIngestResult r = ContextSourceIngest::run(
            where.dir, config, *connection, {}, [&](const QString &message) {
                if (!context.json)
                    context.err() << message << "\n";
            });
        QJsonObject json = r.toJson();
        json.insert(
            QStringLiteral("steps"),
            QJsonArray {QJsonObject {{QStringLiteral("operation"), QStringLiteral("source-ingest")},
                                     {QStringLiteral("status"), r.status},
                                     {QStringLiteral("detail"), r.detail}}});
        results.append(json);
        QString detail = r.detail;
        if (r.status == QLatin1String("failed")) {
            failed = true;
            if (!r.fix.isEmpty())
                detail += QStringLiteral("\n    Fix: ") + r.fix;
        } else {
            for (const SourceFileIssue &e : r.report.errors)
                detail += QStringLiteral("\n    %1:%2:%3: %4")
                              .arg(e.path)
                              .arg(e.line)
                              .arg(e.column)
                              .arg(e.message);
            if (!r.report.wikiPages.isEmpty())
                detail += QStringLiteral("\n    Unmapped: wiki/global/%1.md")
                              .arg(r.report.wikiPages.join(QStringLiteral(".md, wiki/global/")));
            for (const QString &warning : r.warnings)
                detail += QStringLiteral("\n    warning: ") + warning;
        }
        if (!r.runId.isEmpty())
            detail += QStringLiteral("\n    Run: ") + r.runId;
        rows << Row {connection->id, r.unchanged ? QStringLiteral("unchanged") : r.status, detail,
                     QStringLiteral("-")};
    }
    for (const QString &id : std::as_const(skipped)) {
        const ConnectionConfig *c = config.connection(id);
        results.append(QJsonObject {
            {QStringLiteral("connectionId"), id},
            {QStringLiteral("driver"), c->driver},
            {QStringLiteral("steps"),
             QJsonArray {QJsonObject {
                 {QStringLiteral("operation"), QStringLiteral("source-ingest")},
                 {QStringLiteral("status"), QStringLiteral("skipped")},
                 {QStringLiteral("detail"),
                  QStringLiteral("context sources are not ingested by this version")}}}}});
        rows << Row {id, QStringLiteral("skipped"),
                     QStringLiteral("context sources are not ingested by this version")};
    }

    if (context.json) {
        context.printJson(
            QJsonObject {{QStringLiteral("projectDir"), where.dir},
                         {QStringLiteral("warnings"), QJsonArray::fromStringList(notices)},
                         {QStringLiteral("skipped"), QJsonArray::fromStringList(skippedEnrichment)},
                         {QStringLiteral("results"), results}});
    } else {
        context.out() << (failed              ? "Ingest finished with failures\n\n"
                              : historyFailed ? "Ingest finished with partial failures\n\n"
                              : !skippedHistory.isEmpty()
                              ? "Ingest finished with skipped query history\n\n"
                              : "Ingest finished\n\n");
        int width = 6;
        for (const Row &row : std::as_const(rows))
            width = qMax(width, int(row.id.size()));
        context.out() << QStringLiteral("Source").leftJustified(width + 2)
                      << "Database schema  Query history  Detail\n";
        for (const Row &row : std::as_const(rows))
            context.out() << row.id.leftJustified(width + 2) << row.status.leftJustified(17)
                          << row.history.leftJustified(15) << row.detail << "\n";
        if (!skippedEnrichment.isEmpty()) {
            context.out() << "\nSkipped enrichment:\n";
            for (const QString &line : std::as_const(skippedEnrichment))
                context.out() << "  " << line << "\n";
        }
        if (!skippedHistory.isEmpty()) {
            context.out() << "\nSkipped query history:\n";
            for (const QString &line : std::as_const(skippedHistory))
                context.out() << "  " << line << "\n";
        }
    }
    return failed || historyFailed ? ExitFailure : ExitOk;
}

} // namespace ktx
