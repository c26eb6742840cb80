#include "wikicommand.h"

#include "clicontext.h"
#include "project/configloader.h"
#include "project/projectlocator.h"
#include "search/searchindex.h"
#include "wiki/wikistore.h"

#include <QDir>
#include <QJsonArray>

#include <cstdio>
#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace ktx {

namespace {

enum class Output { Pretty, Plain, Json };

const QString kExpected = QStringLiteral("Expected one of pretty, plain, json.");

std::optional<Output> outputFrom(const QString &value)
{
    if (value == QLatin1String("pretty"))
        return Output::Pretty;
    if (value == QLatin1String("plain"))
        return Output::Plain;
    if (value == QLatin1String("json"))
        return Output::Json;
    return std::nullopt;
}

bool stdoutIsTerminal()
{
#ifdef Q_OS_UNIX
    return isatty(STDOUT_FILENO) != 0;
#else
    return false;
#endif
}

// ktx-spec §6.1: --json, then --output, then KTX_OUTPUT, then CI (plain), then
// pretty on a terminal and plain elsewhere.
std::optional<Output> resolveOutput(CliContext &context, const QCommandLineParser &parser,
                                    int *exitCode)
{
    if (context.json)
        return Output::Json;
    if (parser.isSet(QStringLiteral("output"))) {
        const QString value = parser.value(QStringLiteral("output"));
        if (const auto mode = outputFrom(value))
            return mode;
        *exitCode = context.fail(
            QStringLiteral("usage"),
            QStringLiteral("Invalid --output value: %1. %2").arg(value, kExpected), {}, ExitUsage);
        return std::nullopt;
    }
    if (qEnvironmentVariableIsSet("KTX_OUTPUT")) {
        const QString value = qEnvironmentVariable("KTX_OUTPUT");
        if (const auto mode = outputFrom(value))
            return mode;
        *exitCode
            = context.fail(QStringLiteral("usage"),
                           QStringLiteral("Invalid KTX_OUTPUT value: %1. %2").arg(value, kExpected),
                           {}, ExitUsage);
        return std::nullopt;
    }
    if (qEnvironmentVariableIsSet("CI")) {
        const QString ci = qEnvironmentVariable("CI").trimmed().toLower();
        if (ci != QLatin1String("0") && ci != QLatin1String("false"))
            return Output::Plain;
    }
    return stdoutIsTerminal() ? Output::Pretty : Output::Plain;
}

QString oneLine(QString text)
{
    text.replace(QLatin1Char('\t'), QLatin1Char(' '));
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return text;
}

QJsonObject envelope(const QJsonArray &items, const QString &command)
{
    return {{QStringLiteral("kind"), QStringLiteral("list")},
            {QStringLiteral("data"), QJsonObject {{QStringLiteral("items"), items}}},
            {QStringLiteral("meta"), QJsonObject {{QStringLiteral("command"), command}}}};
}

struct Project
{
    QString dir;
    ProjectConfig config;
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
    Project project {where.dir, {}};
    if (auto loaded = ConfigLoader::loadFile(ProjectLocator::configPath(where.dir)))
        project.config = loaded->config;
    return project;
}

QList<QCommandLineOption> commonOptions()
{
    return {QCommandLineOption(QStringLiteral("user-id"),
                               QStringLiteral("Whose pages: wiki/user/<id>/ shadows wiki/global/ "
                                              "(default: local)."),
                               QStringLiteral("id"), QStringLiteral("local")),
            QCommandLineOption(QStringLiteral("output"),
                               QStringLiteral("pretty, plain (tab-separated) or json."),
                               QStringLiteral("mode"))};
}

int listOrSearch(CliContext &context, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("List wiki pages, or search them when a query is given.\n\n"
                       "  ktx wiki                        every page you see\n"
                       "  ktx wiki revenue recognition    lexical, token and semantic search\n"
                       "  ktx wiki read revenue           a page, exactly as it is on disk"));
    parser.addOptions(commonOptions());
    const QCommandLineOption limit(QStringLiteral("limit"),
                                   QStringLiteral("At most N search results (default 10)."),
                                   QStringLiteral("N"), QStringLiteral("10"));
    parser.addOption(limit);
    parser.addPositionalArgument(QStringLiteral("query"), QStringLiteral("Search words."));
    if (const auto exit = context.parse(parser, QStringLiteral("wiki"), args))
        return *exit;
    int exitCode = ExitOk;
    const std::optional<Output> output = resolveOutput(context, parser, &exitCode);
    if (!output)
        return exitCode;
    context.json = *output == Output::Json;
    const QString userId = parser.value(QStringLiteral("user-id"));
    if (!WikiStore::isValidUserId(userId))
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("Invalid --user-id value: %1.").arg(userId),
                            QStringLiteral("Use letters, digits, `_`, `-` or `.`."), ExitUsage);
    const auto project = locateProject(context, &exitCode);
    if (!project)
        return exitCode;
    const QString query = parser.positionalArguments().join(QLatin1Char(' ')).trimmed();

    if (query.isEmpty()) {
        const WikiStore store(project->dir);
        const WikiStore::Listing listing = store.list(userId);
        for (const Error &issue : listing.issues)
            context.err() << "Warning: " << issue.toText() << '\n';
        context.err().flush();
        if (*output == Output::Json) {
            QJsonArray items;
            for (const WikiPage &page : listing.pages) {
                QJsonObject item {{QStringLiteral("key"), page.key},
                                  {QStringLiteral("scope"), page.scopeName()},
                                  {QStringLiteral("path"), page.relativePath()},
                                  {QStringLiteral("summary"), page.summary},
                                  {QStringLiteral("tags"), QJsonArray::fromStringList(page.tags)}};
                if (!page.usageMode.isEmpty())
                    item.insert(QStringLiteral("usageMode"), page.usageMode);
                items.append(item);
            }
            context.printJson(envelope(items, QStringLiteral("wiki list")));
            return ExitOk;
        }
        if (listing.pages.isEmpty()) {
            context.err() << "No wiki pages found in "
                          << QDir(project->dir).filePath(QStringLiteral("wiki")) << '\n'
                          << "Write one as wiki/global/<key>.md, or run `ktx ingest`.\n";
            context.err().flush();
            return ExitOk;
        }
        if (*output == Output::Plain) {
            context.out() << "KEY\tSCOPE\tSUMMARY\n";
            for (const WikiPage &page : listing.pages)
                context.out() << page.key << '\t' << page.scopeName() << '\t'
                              << oneLine(page.summary) << '\n';
        } else {
            int width = 3;
            for (const WikiPage &page : listing.pages)
                width = std::max(width, int(page.key.size()));
            context.out() << QStringLiteral("KEY").leftJustified(width + 2) << "SCOPE   SUMMARY\n";
            for (const WikiPage &page : listing.pages)
                context.out() << page.key.leftJustified(width + 2)
                              << page.scopeName().leftJustified(8) << oneLine(page.summary) << '\n';
        }
        context.out().flush();
        return ExitOk;
    }

    bool ok = false;
    const int n = parser.value(limit).toInt(&ok);
    if (!ok || n < 1 || n > 200)
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("--limit must be a number from 1 to 200 (got \"%1\").")
                                .arg(parser.value(limit)),
                            {}, ExitUsage);
    const SearchIndex index(project->dir,
                            SearchIndex::Options::fromConfig(project->config, project->dir));
    Result<SearchIndex::SyncStats> synced = index.sync();
    if (!synced)
        return context.fail(synced.error().code, synced.error().message, synced.error().hint);
    if (context.debug) {
        for (const Error &issue : synced->issues)
            context.err() << "[debug] wiki index skipped " << issue.toText() << '\n';
    }
    SearchRequest request;
    request.query = query;
    request.limit = n;
    request.kinds = {QStringLiteral("wiki")};
    request.userId = userId;
    Result<SearchResponse> found = index.search(request);
    if (!found)
        return context.fail(found.error().code, found.error().message, found.error().hint);
    if (context.debug) {
        context.err() << "[debug] wiki search mode=sqlite-fts5 embedding="
                      << (found->embeddingConfigured ? "configured" : "unconfigured")
                      << " results=" << found->hits.size() << '\n';
        for (const SearchLaneReport &lane : found->lanes) {
            context.err() << "[debug] wiki search lane=" << lane.lane << " status=" << lane.status
                          << " returned=" << lane.returnedCandidateCount
                          << " weight=" << lane.weight;
            if (!lane.reason.isEmpty())
                context.err() << " reason=" << lane.reason;
            context.err() << '\n';
        }
        context.err().flush();
    }
    if (*output == Output::Json) {
        QJsonArray lanes;
        for (const SearchLaneReport &lane : found->lanes)
            lanes.append(lane.toJson());
        QJsonArray items;
        for (const SearchHit &hit : found->hits)
            items.append(QJsonObject {
                {QStringLiteral("key"), hit.document.id},
                {QStringLiteral("scope"), hit.document.scope},
                {QStringLiteral("path"), hit.document.path},
                {QStringLiteral("summary"), hit.document.summary},
                {QStringLiteral("score"), hit.score},
                {QStringLiteral("matchReasons"), QJsonArray::fromStringList(hit.matchReasons)},
                {QStringLiteral("lanes"), lanes}});
        context.printJson(envelope(items, QStringLiteral("wiki search")));
        return ExitOk;
    }
    if (found->hits.isEmpty()) {
        context.err() << "No wiki pages matched \"" << query << "\" in "
                      << QDir(project->dir).filePath(QStringLiteral("wiki")) << '\n'
                      << "Run `ktx wiki` to list the pages.\n";
        context.err().flush();
        return ExitOk;
    }
    if (*output == Output::Plain) {
        context.out() << "KEY\tSCOPE\tSCORE\tSUMMARY\n";
        for (const SearchHit &hit : found->hits)
            context.out() << hit.document.id << '\t' << hit.document.scope << '\t'
                          << QString::number(hit.score, 'f', 6) << '\t'
                          << oneLine(hit.document.summary) << '\n';
    } else {
        int rank = 0;
        for (const SearchHit &hit : found->hits) {
            context.out() << '#' << ++rank << "  " << hit.document.id;
            if (hit.document.scope == QLatin1String("USER"))
                context.out() << "  (user " << hit.document.userId << ')';
            context.out() << "\n    " << oneLine(hit.document.summary) << "\n    "
                          << hit.document.path << "  ·  "
                          << hit.matchReasons.join(QStringLiteral(", ")) << '\n';
        }
    }
    context.out().flush();
    return ExitOk;
}

int read(CliContext &context, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Print a wiki page exactly as it is on disk, front-matter included."));
    parser.addOptions(commonOptions());
    parser.addPositionalArgument(QStringLiteral("key"),
                                 QStringLiteral("The page key, e.g. revenue."));
    if (const auto exit = context.parse(parser, QStringLiteral("wiki read"), args))
        return *exit;
    int exitCode = ExitOk;
    const std::optional<Output> output = resolveOutput(context, parser, &exitCode);
    if (!output)
        return exitCode;
    context.json = *output == Output::Json;
    if (parser.positionalArguments().size() != 1)
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("ktx wiki read needs one page key."),
                            QStringLiteral("Example: ktx wiki read revenue"), ExitUsage);
    const QString userId = parser.value(QStringLiteral("user-id"));
    const auto project = locateProject(context, &exitCode);
    if (!project)
        return exitCode;
    const WikiStore store(project->dir);
    const QString key = parser.positionalArguments().first();
    Result<QByteArray> bytes = store.readBytes(key, userId);
    if (!bytes)
        return context.fail(bytes.error().code, bytes.error().message, bytes.error().hint);
    if (*output == Output::Json) {
        Result<WikiPage> page = store.read(key, userId);
        QJsonObject object {{QStringLiteral("key"), key},
                            {QStringLiteral("content"), QString::fromUtf8(*bytes)}};
        if (page) {
            object.insert(QStringLiteral("scope"), page->scopeName());
            object.insert(QStringLiteral("path"), page->relativePath());
            object.insert(QStringLiteral("summary"), page->summary);
        }
        context.printJson(object);
        return ExitOk;
    }
    // Byte for byte: no re-encoding, no added newline.
    context.out().flush();
    std::fwrite(bytes->constData(), 1, size_t(bytes->size()), stdout);
    std::fflush(stdout);
    return ExitOk;
}

} // namespace

int WikiCommand::run(CliContext &context, const QStringList &args)
{
    if (args.value(0) == QLatin1String("read"))
        return read(context, args.mid(1));
    return listOrSearch(context, args);
}

} // namespace ktx
