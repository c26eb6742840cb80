#include "ktxtools/wikitools.h"

#include "ktxtools/contextsearch.h"
#include "ktxtools/ktxtooljson.h"
#include "search/searchindex.h"
#include "wiki/wikistore.h"

#include <QJsonArray>

namespace ktx {

namespace {

QString scopedKey(const SearchDocument &d)
{
    return d.scope == QLatin1String("USER") ? QStringLiteral("user/%1/%2").arg(d.userId, d.id)
                                            : QStringLiteral("global/%1").arg(d.id);
}

} // namespace

AgentTool makeWikiSearchTool(KtxToolContextPtr context)
{
    AgentTool tool;
    tool.name = QStringLiteral("wiki_search");
    tool.description = QStringLiteral(
        "Find wiki pages with business context: definitions, policies, known caveats and how "
        "the team computes a number. Lexical, term-overlap and (when embeddings are configured) "
        "semantic matches are fused into one ranking; each result carries the key to pass to "
        "wiki_read. Example: wiki_search({ query: \"revenue recognition\", limit: 5 }).");
    tool.inputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "query": {"type": "string", "minLength": 1,
                      "description": "What to look for, in plain words, e.g. \"refund policy\"."},
            "limit": {"default": 10, "description": "How many pages to return at most.",
                      "type": "integer", "minimum": 1, "maximum": 50}
        },
        "required": ["query"]
    })");
    tool.outputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "results": {"type": "array", "items": {"type": "object", "properties": {
                "key": {"type": "string"},
                "path": {"type": "string"},
                "scope": {"type": "string", "enum": ["GLOBAL", "USER"]},
                "summary": {"type": "string"},
                "score": {"type": "number"},
                "matchReasons": {"type": "array", "items": {"type": "string"}},
                "lanes": {"type": "array", "items": {"type": "object", "properties": {
                    "lane": {"type": "string"},
                    "status": {"type": "string"},
                    "requestedCandidatePoolLimit": {"type": "number"},
                    "effectiveCandidatePoolLimit": {"type": "number"},
                    "returnedCandidateCount": {"type": "number"},
                    "weight": {"type": "number"},
                    "reason": {"type": "string"}
                }, "required": ["lane", "status", "requestedCandidatePoolLimit",
                                "effectiveCandidatePoolLimit", "returnedCandidateCount", "weight"],
                   "additionalProperties": false}}
            }, "required": ["key", "path", "scope", "summary", "score"],
               "additionalProperties": false}},
            "totalFound": {"type": "number"}
        },
        "required": ["results", "totalFound"],
        "additionalProperties": false
    })");
    tool.annotations.title = QStringLiteral("Wiki Search");
    tool.annotations.readOnly = true;
    tool.annotations.idempotent = false;
    tool.execute = [context](const QJsonObject &args, const CancellationToken &cancel) {
        Result<SearchIndex> opened = ContextSearch::open(*context, cancel);
        if (!opened)
            return KtxToolJson::failure(opened.error());
        const SearchIndex &index = *opened;
        SearchRequest request;
        request.query = args.value(QLatin1String("query")).toString();
        request.limit = args.value(QLatin1String("limit")).toInt(10);
        request.kinds = {QStringLiteral("wiki")};
        request.userId = context->userId;
        Result<SearchResponse> found = index.search(request, cancel);
        if (!found)
            return KtxToolJson::failure(found.error());
        QJsonArray lanes;
        for (const SearchLaneReport &lane : found->lanes)
            lanes.append(lane.toJson());
        QJsonArray results;
        for (const SearchHit &hit : found->hits) {
            results.append(QJsonObject {
                {QStringLiteral("key"), scopedKey(hit.document)},
                {QStringLiteral("path"), hit.document.path},
                {QStringLiteral("scope"), hit.document.scope},
                {QStringLiteral("summary"), hit.document.summary},
                {QStringLiteral("score"), hit.score},
                {QStringLiteral("matchReasons"), QJsonArray::fromStringList(hit.matchReasons)},
                {QStringLiteral("lanes"), lanes}});
        }
        return KtxToolJson::success({{QStringLiteral("results"), results},
                                     {QStringLiteral("totalFound"), found->totalFound}});
    };
    return tool;
}

AgentTool makeWikiReadTool(KtxToolContextPtr context)
{
    AgentTool tool;
    tool.name = QStringLiteral("wiki_read");
    tool.description = QStringLiteral(
        "Read one wiki page: its summary, tags, references to other pages and semantic "
        "sources, and the Markdown body. Pass the key exactly as wiki_search or discover_data "
        "returned it. Example: wiki_read({ key: \"global/revenue\" }).");
    tool.inputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "key": {"type": "string", "minLength": 1,
                    "description": "The page key from wiki_search, e.g. \"global/revenue\"."}
        },
        "required": ["key"]
    })");
    tool.outputSchema = KtxToolJson::parseObject(R"({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "key": {"type": "string"},
            "summary": {"type": "string"},
            "content": {"type": "string"},
            "scope": {"type": "string", "enum": ["GLOBAL", "USER"]},
            "tags": {"type": "array", "items": {"type": "string"}},
            "refs": {"type": "array", "items": {"type": "string"}},
            "slRefs": {"type": "array", "items": {"type": "string"}}
        },
        "required": ["key", "summary", "content", "scope"],
        "additionalProperties": false
    })");
    tool.annotations.title = QStringLiteral("Wiki Read");
    tool.annotations.readOnly = true;
    tool.annotations.idempotent = true;
    tool.execute = [context](const QJsonObject &args, const CancellationToken &) {
        const QString key = args.value(QLatin1String("key")).toString().trimmed();
        const WikiStore store(context->projectDir);
        Result<WikiPage> page = makeError(QStringLiteral("wiki.page_not_found"), QString());
        if (key.contains(QLatin1Char('/'))) {
            Result<WikiStore::Location> location = WikiStore::parseScopedKey(key);
            if (!location)
                return KtxToolJson::failure(location.error());
            // Another user's pages are not this user's to read.
            if (location->scope == WikiScope::User && location->userId != context->userId)
                page = makeError(QStringLiteral("wiki.page_not_found"),
                                 QStringLiteral("No wiki page '%1'.").arg(key));
            else
                page = store.read(*location);
            if (!page) {
                Error error = page.error();
                QStringList close;
                for (const QString &k : store.closeKeys(location->key, context->userId)) {
                    if (Result<WikiPage> p = store.read(k, context->userId))
                        close << p->scopedKey();
                }
                error.hint = close.isEmpty()
                    ? QStringLiteral("Use wiki_search to find the page's key.")
                    : QStringLiteral("Did you mean: %1?").arg(close.join(QStringLiteral(", ")));
                return KtxToolJson::failure(error);
            }
        } else {
            page = store.read(key, context->userId);
            if (!page)
                return KtxToolJson::failure(page.error());
        }
        QJsonObject out {{QStringLiteral("key"), page->scopedKey()},
                         {QStringLiteral("summary"), page->summary},
                         {QStringLiteral("content"), page->body},
                         {QStringLiteral("scope"), page->scopeName()}};
        if (!page->tags.isEmpty())
            out.insert(QStringLiteral("tags"), QJsonArray::fromStringList(page->tags));
        if (const QStringList refs = page->allRefs(); !refs.isEmpty())
            out.insert(QStringLiteral("refs"), QJsonArray::fromStringList(refs));
        if (!page->slRefs.isEmpty())
            out.insert(QStringLiteral("slRefs"), QJsonArray::fromStringList(page->slRefs));
        return KtxToolJson::success(out);
    };
    return tool;
}

} // namespace ktx
