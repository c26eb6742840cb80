#include "slcommand.h"

#include "clicontext.h"
#include "db/connectionsettings.h"
#include "db/databasesession.h"
#include "ktxtools/ktxtooljson.h"
#include "ktxtools/semanticqueryrunner.h"
#include "project/configloader.h"
#include "project/projectlocator.h"
#include "semantic/semanticengine.h"
#include "semantic/semanticlayerstore.h"
#include "semantic/sourcevalidator.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace ktx {

namespace {

constexpr int kMaxRows = SemanticQueryRunner::MaxRows;

QList<QCommandLineOption> connectionOptions()
{
    return {QCommandLineOption({QStringLiteral("c"), QStringLiteral("connection")},
                               QStringLiteral("Connection id (semantic-layer/<id>/)."),
                               QStringLiteral("id")),
            QCommandLineOption(QStringLiteral("connection-id"),
                               QStringLiteral("Same as --connection (the original's spelling)."),
                               QStringLiteral("id"))};
}

QString connectionValue(const QCommandLineParser &parser)
{
    const QString a = parser.value(QStringLiteral("connection"));
    return a.isEmpty() ? parser.value(QStringLiteral("connection-id")) : a;
}

QString textCell(const QVariant &value)
{
    if (value.isNull())
        return {};
    QString text = value.typeId() == QMetaType::QDateTime ? value.toDateTime().toString(Qt::ISODate)
                                                          : value.toString();
    text.replace(QLatin1Char('\t'), QLatin1String("\\t"));
    text.replace(QLatin1Char('\n'), QLatin1String("\\n"));
    return text;
}

struct Project
{
    QString dir;
    std::optional<LoadedConfig> config;
};

std::optional<Project> locateProject(CliContext &context, int *exitCode)
{
    const ProjectLocator::Resolution where = ProjectLocator::resolve(context.projectDirFlag);
    if (!where.hasConfig) {
        *exitCode = context.fail(QStringLiteral("missing_project"),
                                 QStringLiteral("No ktx.yaml found in %1").arg(where.dir),
                                 QStringLiteral("Run `ktx setup` to create one."));
        return std::nullopt;
    }
    Project p {where.dir, std::nullopt};
    auto loaded = ConfigLoader::loadFile(ProjectLocator::configPath(where.dir));
    if (loaded.ok())
        p.config = *loaded;
    return p;
}

// The connection to use: the one asked for, or the only one with sources.
std::optional<QString> pickConnection(CliContext &context, const SemanticLayerStore &store,
                                      const QString &asked, int *exitCode)
{
    if (!asked.isEmpty())
        return asked;
    const QStringList ids = store.connections();
    if (ids.size() == 1)
        return ids.first();
    if (ids.isEmpty())
        *exitCode = context.fail(
            QStringLiteral("sl_no_sources"),
            QStringLiteral("No semantic-layer sources found in %1").arg(store.root()),
            QStringLiteral("Run `ktx ingest` to build sources from a database "
                           "connection."));
    else
        *exitCode = context.fail(QStringLiteral("usage"),
                                 QStringLiteral("Several connections have semantic-layer sources: "
                                                "%1. Choose one with --connection <id>.")
                                     .arg(ids.join(QStringLiteral(", "))),
                                 {}, ExitUsage);
    return std::nullopt;
}

int listOrSearch(CliContext &context, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("List semantic-layer sources, or search them when a query is given.\n\n"
                       "  ktx sl                      every source, grouped by connection\n"
                       "  ktx sl revenue by region    sources whose name, description, columns "
                       "or measures match"));
    parser.addOptions(connectionOptions());
    const QCommandLineOption limit(QStringLiteral("limit"),
                                   QStringLiteral("At most N search results."), QStringLiteral("N"),
                                   QStringLiteral("20"));
    parser.addOption(limit);
    parser.addPositionalArgument(QStringLiteral("query"), QStringLiteral("Search words."));
    if (const auto exit = context.parse(parser, QStringLiteral("sl"), args))
        return *exit;
    int exitCode = ExitOk;
    const auto project = locateProject(context, &exitCode);
    if (!project)
        return exitCode;
    const SemanticLayerStore store(project->dir);
    const QString asked = connectionValue(parser);
    const QStringList ids = asked.isEmpty() ? store.connections() : QStringList {asked};
    const QStringList words = parser.positionalArguments()
                                  .join(QLatin1Char(' '))
                                  .toLower()
                                  .split(QLatin1Char(' '), Qt::SkipEmptyParts);

    struct Item
    {
        QString connectionId;
        SemanticSource source;
        int score = 0;
    };
    QList<Item> items;
    for (const QString &id : ids) {
        for (const SemanticSource &s : store.load(id).sources) {
            int score = 0;
            for (const QString &w : words) {
                if (s.name.toLower().contains(w))
                    score += 5;
                if (s.description.toLower().contains(w))
                    score += 2;
                for (const SourceMeasure &m : s.measures) {
                    if (m.name.toLower().contains(w) || m.description.toLower().contains(w))
                        score += 3;
                }
                for (const SourceColumn &c : s.columns) {
                    if (c.visibility != SourceColumn::Visibility::Hidden
                        && (c.name.toLower().contains(w) || c.description.toLower().contains(w)))
                        score += 1;
                }
            }
            if (words.isEmpty() || score > 0)
                items << Item {id, s, score};
        }
    }
    if (!words.isEmpty()) {
        std::stable_sort(items.begin(), items.end(),
                         [](const Item &a, const Item &b) { return a.score > b.score; });
        bool ok = false;
        const int n = parser.value(limit).toInt(&ok);
        if (!ok || n < 1)
            return context.fail(QStringLiteral("usage"),
                                QStringLiteral("--limit must be a positive number."), {},
                                ExitUsage);
        items = items.mid(0, n);
    }
    if (items.isEmpty()) {
        if (words.isEmpty())
            return context.fail(
                QStringLiteral("sl_no_sources"),
                QStringLiteral("No semantic-layer sources found in %1").arg(store.root()),
                QStringLiteral("Run `ktx ingest` to build them from a database."));
        return context.fail(QStringLiteral("sl_no_match"),
                            QStringLiteral("No semantic-layer sources matched \"%1\" in %2")
                                .arg(words.join(QLatin1Char(' ')), store.root()),
                            QStringLiteral("Run `ktx sl` to inspect available sources."));
    }
    if (context.json) {
        QJsonArray array;
        for (const Item &i : std::as_const(items)) {
            QJsonObject o {
                {QStringLiteral("connectionId"), i.connectionId},
                {QStringLiteral("name"), i.source.name},
                {QStringLiteral("path"), QDir(project->dir).relativeFilePath(i.source.filePath)},
                {QStringLiteral("columnCount"), int(i.source.columns.size())},
                {QStringLiteral("measureCount"), int(i.source.measures.size())},
                {QStringLiteral("joinCount"), int(i.source.joins.size())}};
            if (!i.source.description.isEmpty())
                o.insert(QStringLiteral("description"), i.source.description);
            if (!words.isEmpty())
                o.insert(QStringLiteral("score"), i.score);
            array.append(o);
        }
        context.printJson({{QStringLiteral("kind"), QStringLiteral("list")},
                           {QStringLiteral("data"), QJsonObject {{QStringLiteral("items"), array}}},
                           {QStringLiteral("meta"),
                            QJsonObject {{QStringLiteral("command"),
                                          words.isEmpty() ? QStringLiteral("sl list")
                                                          : QStringLiteral("sl search")}}}});
        return ExitOk;
    }
    context.out() << "CONNECTION\tNAME\tCOLS\tMEASURES\tJOINS\tDESCRIPTION\n";
    for (const Item &i : std::as_const(items)) {
        context.out() << i.connectionId << '\t' << i.source.name << '\t' << i.source.columns.size()
                      << '\t' << i.source.measures.size() << '\t' << i.source.joins.size() << '\t'
                      << i.source.description.section(QLatin1Char('\n'), 0, 0).left(80) << '\n';
    }
    context.out().flush();
    return ExitOk;
}

int read(CliContext &context, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Print a source's YAML as it is on disk."));
    parser.addOptions(connectionOptions());
    parser.addPositionalArgument(QStringLiteral("source"), QStringLiteral("The source's name."));
    if (const auto exit = context.parse(parser, QStringLiteral("sl read"), args))
        return *exit;
    if (parser.positionalArguments().size() != 1)
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("ktx sl read needs one source name."),
                            QStringLiteral("Example: ktx sl read orders"), ExitUsage);
    int exitCode = ExitOk;
    const auto project = locateProject(context, &exitCode);
    if (!project)
        return exitCode;
    const SemanticLayerStore store(project->dir);
    Result<SemanticLayerStore::Found> found
        = store.find(parser.positionalArguments().first(), connectionValue(parser));
    if (!found.ok())
        return context.fail(found.error().code, found.error().message, found.error().hint);
    QFile f(found->source.filePath);
    if (!f.open(QIODevice::ReadOnly))
        return context.fail(
            QStringLiteral("sl_unreadable"),
            QStringLiteral("Cannot read %1: %2").arg(f.fileName(), f.errorString()));
    const QByteArray yaml = f.readAll();
    if (context.json) {
        context.printJson(
            {{QStringLiteral("connectionId"), found->connectionId},
             {QStringLiteral("sourceName"), found->source.name},
             {QStringLiteral("path"), QDir(project->dir).relativeFilePath(f.fileName())},
             {QStringLiteral("yaml"), QString::fromUtf8(yaml)}});
        return ExitOk;
    }
    context.out() << QString::fromUtf8(yaml);
    context.out().flush();
    return ExitOk;
}

int validate(CliContext &context, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Check the sources of a connection: schema, grain, joins, segments."));
    parser.addOptions(connectionOptions());
    if (const auto exit = context.parse(parser, QStringLiteral("sl validate"), args))
        return *exit;
    int exitCode = ExitOk;
    const auto project = locateProject(context, &exitCode);
    if (!project)
        return exitCode;
    const SemanticLayerStore store(project->dir);
    const QString asked = connectionValue(parser);
    const QStringList ids = asked.isEmpty() ? store.connections() : QStringList {asked};
    int errors = 0, warnings = 0, sources = 0;
    QJsonArray issues;
    for (const QString &id : ids) {
        SourceLoader::SourceSet set = store.load(id);
        set.issues += SourceValidator::validate(set.sources);
        sources += int(set.sources.size());
        errors += set.errorCount();
        warnings += set.warningCount();
        for (const SourceIssue &i : std::as_const(set.issues)) {
            issues.append(QJsonObject {
                {QStringLiteral("connectionId"), id},
                {QStringLiteral("severity"),
                 i.isError() ? QStringLiteral("error") : QStringLiteral("warning")},
                {QStringLiteral("code"), i.code},
                {QStringLiteral("message"), i.message},
                {QStringLiteral("file"),
                 i.file.isEmpty() ? QString() : QDir(project->dir).relativeFilePath(i.file)},
                {QStringLiteral("line"), i.line},
                {QStringLiteral("column"), i.column}});
            if (!context.json) {
                SourceIssue shown = i;
                if (!shown.file.isEmpty())
                    shown.file = QDir(project->dir).relativeFilePath(shown.file);
                context.out() << shown.toText() << '\n';
            }
        }
    }
    if (context.json)
        context.printJson({{QStringLiteral("valid"), errors == 0},
                           {QStringLiteral("sources"), sources},
                           {QStringLiteral("errors"), errors},
                           {QStringLiteral("warnings"), warnings},
                           {QStringLiteral("issues"), issues}});
    else
        context.out() << sources << " sources: " << errors << " errors, " << warnings
                      << " warnings\n";
    context.out().flush();
    return errors == 0 ? ExitOk : ExitFailure;
}

int query(CliContext &context, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Compile a semantic query to SQL and run it read-only on the connection.\n\n"
        "  ktx sl query -c warehouse --measure orders.order_count --dimension customers.segment\n"
        "  ktx sl query -c warehouse --query-file q.json --sql-only\n\n"
        "Measures are predefined (orders.revenue) or composed (sum(orders.amount)); fan-out and "
        "chasm traps are pre-aggregated, never double counted."));
    parser.addOptions(connectionOptions());
    const QCommandLineOption measure(
        QStringLiteral("measure"), QStringLiteral("A measure (repeatable)."), QStringLiteral("m"));
    const QCommandLineOption dimension(
        QStringLiteral("dimension"),
        QStringLiteral("source.column, optionally source.column:month (repeatable)."),
        QStringLiteral("d"));
    const QCommandLineOption filter(QStringLiteral("filter"),
                                    QStringLiteral("A SQL predicate (repeatable)."),
                                    QStringLiteral("f"));
    const QCommandLineOption segment(QStringLiteral("segment"),
                                     QStringLiteral("source.segment (repeatable)."),
                                     QStringLiteral("s"));
    const QCommandLineOption orderBy(QStringLiteral("order-by"),
                                     QStringLiteral("field[:asc|desc] (repeatable)."),
                                     QStringLiteral("o"));
    const QCommandLineOption limit(
        QStringLiteral("limit"), QStringLiteral("Row limit (default 1000)."), QStringLiteral("N"));
    const QCommandLineOption maxRows(QStringLiteral("max-rows"),
                                     QStringLiteral("Same as --limit for execution."),
                                     QStringLiteral("N"));
    const QCommandLineOption queryFile(QStringLiteral("query-file"),
                                       QStringLiteral("A JSON query (ktx-spec §4.4)."),
                                       QStringLiteral("path"));
    const QCommandLineOption includeEmpty(QStringLiteral("include-empty"),
                                          QStringLiteral("Keep dimension values without rows."));
    const QCommandLineOption sqlOnly(QStringLiteral("sql-only"),
                                     QStringLiteral("Print the SQL; do not run it."));
    const QCommandLineOption format(QStringLiteral("format"),
                                    QStringLiteral("json or sql (sql = --sql-only)."),
                                    QStringLiteral("format"));
    const QCommandLineOption execute(QStringLiteral("execute"),
                                     QStringLiteral("Run the query (the default)."));
    parser.addOptions({measure, dimension, filter, segment, orderBy, limit, maxRows, queryFile,
                       includeEmpty, sqlOnly, format, execute});
    if (const auto exit = context.parse(parser, QStringLiteral("sl query"), args))
        return *exit;

    SemanticQuery q;
    if (parser.isSet(queryFile)) {
        QFile f(parser.value(queryFile));
        if (!f.open(QIODevice::ReadOnly))
            return context.fail(
                QStringLiteral("usage"),
                QStringLiteral("Cannot read %1: %2").arg(f.fileName(), f.errorString()), {},
                ExitUsage);
        const QJsonDocument doc = QJsonDocument::fromJson(f.readAll());
        if (!doc.isObject())
            return context.fail(QStringLiteral("usage"),
                                QStringLiteral("%1 must contain a JSON object.").arg(f.fileName()),
                                {}, ExitUsage);
        Result<SemanticQuery> parsed = SemanticQuery::fromJson(doc.object());
        if (!parsed.ok())
            return context.fail(parsed.error().code, parsed.error().message, parsed.error().hint,
                                ExitUsage);
        q = *parsed;
    } else {
        q.includeEmpty = false; // the CLI's default, as in the original
    }
    for (const QString &m : parser.values(measure))
        q.measures << QueryMeasure {m, {}, false};
    for (const QString &d : parser.values(dimension)) {
        static const QStringList grains {QStringLiteral("hour"),    QStringLiteral("day"),
                                         QStringLiteral("week"),    QStringLiteral("month"),
                                         QStringLiteral("quarter"), QStringLiteral("year")};
        const QString tail = d.section(QLatin1Char(':'), -1);
        if (d.contains(QLatin1Char(':')) && grains.contains(tail.toLower()))
            q.dimensions << QueryDimension {d.section(QLatin1Char(':'), 0, -2), tail.toLower()};
        else
            q.dimensions << QueryDimension {d, {}};
    }
    q.filters += parser.values(filter);
    q.segments += parser.values(segment);
    for (const QString &o : parser.values(orderBy)) {
        Result<QueryOrder> order = SemanticQuery::parseOrder(o);
        if (!order.ok())
            return context.fail(order.error().code, order.error().message, {}, ExitUsage);
        q.orderBy << *order;
    }
    if (parser.isSet(includeEmpty))
        q.includeEmpty = true;
    for (const QCommandLineOption *o : {&limit, &maxRows}) {
        if (!parser.isSet(*o))
            continue;
        bool ok = false;
        const int n = parser.value(*o).toInt(&ok);
        if (!ok || n < 1 || n > kMaxRows)
            return context.fail(QStringLiteral("usage"),
                                QStringLiteral("--%1 must be a number from 1 to %2 (got \"%3\").")
                                    .arg(o->names().first())
                                    .arg(kMaxRows)
                                    .arg(parser.value(*o)),
                                {}, ExitUsage);
        q.limit = n;
    }
    if (q.measures.isEmpty() && q.dimensions.isEmpty())
        return context.fail(
            QStringLiteral("usage"),
            QStringLiteral("ktx sl query needs at least one --measure (or a --query-file)."),
            QStringLiteral("Example: ktx sl query -c warehouse --measure "
                           "orders.order_count --dimension orders.status"),
            ExitUsage);
    const QString fmt = parser.value(format).toLower();
    if (!fmt.isEmpty() && fmt != QLatin1String("json") && fmt != QLatin1String("sql"))
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("--format must be json or sql (got \"%1\").").arg(fmt),
                            {}, ExitUsage);
    const bool onlySql = parser.isSet(sqlOnly) || fmt == QLatin1String("sql");
    if (fmt == QLatin1String("json"))
        context.json = true;

    int exitCode = ExitOk;
    const auto project = locateProject(context, &exitCode);
    if (!project)
        return exitCode;
    const SemanticLayerStore store(project->dir);
    const auto connectionId = pickConnection(context, store, connectionValue(parser), &exitCode);
    if (!connectionId)
        return exitCode;
    if (!project->config)
        return context.fail(
            QStringLiteral("connection_not_found"),
            QStringLiteral("Connection \"%1\" is not configured in ktx.yaml").arg(*connectionId),
            QStringLiteral("Run `ktx setup` to add it, or pass --connection <id>."));
    if (context.debug) {
        const QList<SourceIssue> issues = store.load(*connectionId).issues;
        for (const SourceIssue &i : issues)
            context.err() << "debug: " << i.toText() << '\n';
    }
    // Shared with the sl_query MCP tool: query_policy, notes and row caps.
    const SemanticQueryRunner runner(project->dir, project->config->config);
    SemanticQueryRunner::Request request;
    request.connectionId = *connectionId;
    request.query = q;
    request.execute = !onlySql;
    Result<SemanticQueryRunner::Outcome> outcome = runner.run(request);
    if (!outcome.ok())
        return context.fail(outcome.error().code, outcome.error().message, outcome.error().hint);
    const QJsonArray notes = QJsonArray::fromStringList(outcome->notes);
    if (onlySql || !outcome->executed) {
        if (context.json) {
            context.printJson({{QStringLiteral("connectionId"), *connectionId},
                               {QStringLiteral("dialect"), outcome->dialect},
                               {QStringLiteral("sql"), outcome->sql},
                               {QStringLiteral("plan"), outcome->planJson()},
                               {QStringLiteral("notes"), notes}});
        } else {
            context.out() << outcome->sql << '\n';
            context.out().flush();
        }
        return ExitOk;
    }
    const QueryResult *result = &outcome->result;
    if (context.json) {
        const QJsonArray rows = KtxToolJson::rows(*result);
        context.printJson({{QStringLiteral("connectionId"), *connectionId},
                           {QStringLiteral("dialect"), outcome->dialect},
                           {QStringLiteral("headers"), QJsonArray::fromStringList(result->columns)},
                           {QStringLiteral("rows"), rows},
                           {QStringLiteral("totalRows"), int(result->rows.size())},
                           {QStringLiteral("truncated"), result->truncated},
                           {QStringLiteral("sql"), outcome->sql},
                           {QStringLiteral("notes"), notes}});
        return ExitOk;
    }
    context.out() << result->columns.join(QLatin1Char('\t')) << '\n';
    for (const QVariantList &row : std::as_const(result->rows)) {
        QStringList cells;
        for (const QVariant &v : row)
            cells << textCell(v);
        context.out() << cells.join(QLatin1Char('\t')) << '\n';
    }
    context.out().flush();
    for (const QJsonValue &n : std::as_const(notes))
        context.err() << "note: " << n.toString() << '\n';
    context.err().flush();
    return ExitOk;
}

} // namespace

int SlCommand::run(CliContext &context, const QStringList &args)
{
    const QString sub = args.value(0);
    if (sub == QLatin1String("read"))
        return read(context, args.mid(1));
    if (sub == QLatin1String("query"))
        return query(context, args.mid(1));
    if (sub == QLatin1String("validate"))
        return validate(context, args.mid(1));
    return listOrSearch(context, args);
}

} // namespace ktx
