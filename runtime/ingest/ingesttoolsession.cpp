#include "ingest/ingesttoolsession.h"

#include "db/connectionsettings.h"
#include "db/databasesession.h"
#include "db/readonlysqlguard.h"
#include "db/schemasnapshot.h"
#include "ingest/wikipagetext.h"
#include "semantic/sourcefilename.h"
#include "semantic/sourceloader.h"
#include "semantic/sourcevalidator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QPair>
#include <QRegularExpression>

namespace ktx {

namespace {

QJsonObject schema(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

QStringList strings(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &item : v.toArray())
        out << item.toString();
    return out;
}

QString layerPrefix(const QString &connectionId)
{
    return QStringLiteral("semantic-layer/%1/").arg(connectionId);
}

bool isSourceFile(const QString &path, const QString &connectionId)
{
    return path.startsWith(layerPrefix(connectionId))
        && !path.mid(layerPrefix(connectionId).size()).startsWith(QLatin1String("_schema/"))
        && (path.endsWith(QLatin1String(".yaml")) || path.endsWith(QLatin1String(".yml")));
}

QString decodePart(const QString &part)
{
    if (part == QLatin1String("_"))
        return {};
    return QString::fromUtf8(QByteArray::fromBase64(
        part.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace

IngestToolSession::IngestToolSession(IngestToolScope scope, std::shared_ptr<ContextOverlay> overlay,
                                     DecisionSink decisions)
    : m_scope(std::move(scope))
    , m_overlay(std::move(overlay))
    , m_decisions(std::move(decisions))
{ }

QString IngestToolSession::findSourceFile(const ContextOverlay &overlay,
                                          const QString &connectionId, const QString &name)
{
    // The derived file name first: it is where ingest writes, and reading one
    // file beats peeking at every file of a thousand-table connection.
    const QString guess = layerPrefix(connectionId) + SourceFileName::forSource(name);
    if (const auto bytes = overlay.read(guess); bytes && SourceLoader::peekName(*bytes) == name)
        return guess;
    for (const QString &path : overlay.list(layerPrefix(connectionId))) {
        if (!isSourceFile(path, connectionId) || path == guess)
            continue;
        if (const auto bytes = overlay.read(path); bytes && SourceLoader::peekName(*bytes) == name)
            return path;
    }
    return {};
}

ToolOutput IngestToolSession::refuse(const QString &tool, const QString &path,
                                     const QString &reason)
{
    if (m_decisions)
        m_decisions(QJsonObject {{QStringLiteral("tool"), tool},
                                 {QStringLiteral("path"), path},
                                 {QStringLiteral("accepted"), false},
                                 {QStringLiteral("reason"), reason}});
    return ToolOutput::failure(reason);
}

void IngestToolSession::accept(const QString &tool, const QString &path, const QString &detail)
{
    if (m_decisions)
        m_decisions(QJsonObject {{QStringLiteral("tool"), tool},
                                 {QStringLiteral("path"), path},
                                 {QStringLiteral("accepted"), true},
                                 {QStringLiteral("reason"), detail}});
}

std::optional<QString> IngestToolSession::checkWriteAllowed(const QJsonObject &args,
                                                            QStringList *rawPaths) const
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_ledger == 0)
            return QStringLiteral("verification_ledger_required: call record_verification_ledger "
                                  "with what you verified before writing.");
    }
    *rawPaths = strings(args.value(QStringLiteral("rawPaths")));
    if (rawPaths->isEmpty())
        return QStringLiteral("Cite the raw evidence for this write in rawPaths (one of: %1).")
            .arg(m_scope.allowedRawPaths.mid(0, 5).join(QStringLiteral(", ")));
    for (const QString &path : std::as_const(*rawPaths))
        if (!m_scope.allowedRawPaths.contains(path))
            return QStringLiteral("rawPaths cites %1, which is not evidence of this work unit.")
                .arg(path);
    return std::nullopt;
}

void IngestToolSession::recordAction(IngestAction action)
{
    QMutexLocker lock(&m_mutex);
    m_actions << std::move(action);
}

QList<IngestAction> IngestToolSession::actions() const
{
    QMutexLocker lock(&m_mutex);
    return m_actions;
}

QList<ReconciliationRecord> IngestToolSession::records() const
{
    QMutexLocker lock(&m_mutex);
    return m_records;
}

QStringList IngestToolSession::touchedSources() const
{
    QMutexLocker lock(&m_mutex);
    QStringList out(m_touched.cbegin(), m_touched.cend());
    out.sort();
    return out;
}

int IngestToolSession::ledgerEntries() const
{
    QMutexLocker lock(&m_mutex);
    return m_ledger;
}

QStringList IngestToolSession::touchedSourceProblems() const
{
    QStringList problems;
    for (const QString &touched : touchedSources()) {
        const QString connection = touched.section(QLatin1Char(':'), 0, 0);
        const QString name = touched.section(QLatin1Char(':'), 1);
        const QString path = findSourceFile(*m_overlay, connection, name);
        if (path.isEmpty())
            continue; // deleted
        const auto loaded = SourceLoader::fromYaml(*m_overlay->read(path), path);
        for (const SourceIssue &issue : loaded.issues)
            if (issue.isError())
                problems << issue.toText();
    }
    return problems;
}

ToolSet IngestToolSession::toolSet()
{
    ToolSet set;
    const auto add = [&](const char *name, const char *description, const char *inputSchema,
                         bool readOnly, auto &&fn) {
        AgentTool tool;
        tool.name = QLatin1String(name);
        tool.description = QLatin1String(description);
        tool.inputSchema = schema(inputSchema);
        tool.annotations.readOnly = readOnly;
        tool.annotations.idempotent = readOnly;
        tool.execute = fn;
        set.add(std::move(tool));
    };
    // With a user (text memory) the wiki tools see that user's pages too and
    // take a scope; without one (ingest units) they stay global-only.
    const bool user = !m_scope.userId.isEmpty();
    add("wiki_read",
        user ? "Read a wiki page (front-matter and body) by its key. A bare key reads your "
               "user page when one exists (it shadows the global page of that key), else the "
               "global page; scope global or user picks one."
             : "Read a wiki page (front-matter and body) by its key.",
        user
            ? R"({"type":"object","properties":{"key":{"type":"string"},"scope":{"type":"string","enum":["global","user"]}},"required":["key"]})"
            : R"({"type":"object","properties":{"key":{"type":"string"}},"required":["key"]})",
        true, [this](const QJsonObject &a, const CancellationToken &) { return wikiRead(a); });
    add("wiki_search",
        user ? "Search wiki pages by words in their key, summary, tags and body: the global "
               "pages and your user pages (scope user; a user page shadows the global page of "
               "the same key)."
             : "Search wiki pages by words in their key, summary, tags and body.",
        R"({"type":"object","properties":{"query":{"type":"string"},"limit":{"type":"integer","minimum":1,"maximum":50}},"required":["query"]})",
        true, [this](const QJsonObject &a, const CancellationToken &) { return wikiSearch(a); });
    add("wiki_write",
        user ? "Create or replace a wiki page. content is the whole page: YAML front-matter "
               "(summary required; refs, sl_refs, tags optional) between --- lines, then "
               "Markdown. scope: global (default) for shared knowledge that holds for everyone; "
               "user for this user's personal preferences and notes (written to "
               "wiki/user/<userId>/<key>.md). A global page may reference only global pages. "
               "Cite the raw files it comes from in rawPaths. Record a verification ledger "
               "entry first."
             : "Create or replace a wiki page. content is the whole page: YAML front-matter "
               "(summary required; refs, sl_refs, tags optional) between --- lines, then "
               "Markdown. Cite the raw files it comes from in rawPaths. Record a verification "
               "ledger entry first.",
        user
            ? R"({"type":"object","properties":{"key":{"type":"string"},"content":{"type":"string"},"scope":{"type":"string","enum":["global","user"],"default":"global","description":"global: shared pages (wiki/global/); user: this user's own pages (wiki/user/<userId>/)."},"rawPaths":{"type":"array","items":{"type":"string"}}},"required":["key","content","rawPaths"]})"
            : R"({"type":"object","properties":{"key":{"type":"string"},"content":{"type":"string"},"rawPaths":{"type":"array","items":{"type":"string"}}},"required":["key","content","rawPaths"]})",
        false, [this](const QJsonObject &a, const CancellationToken &) { return wikiWrite(a); });
    add("wiki_remove",
        user ? "Delete a wiki page (a bare key means the page wiki_read shows; scope picks "
               "global or user). Cite the raw evidence in rawPaths."
             : "Delete a wiki page. Cite the raw evidence in rawPaths.",
        user
            ? R"({"type":"object","properties":{"key":{"type":"string"},"scope":{"type":"string","enum":["global","user"]},"reason":{"type":"string"},"rawPaths":{"type":"array","items":{"type":"string"}}},"required":["key","rawPaths"]})"
            : R"({"type":"object","properties":{"key":{"type":"string"},"reason":{"type":"string"},"rawPaths":{"type":"array","items":{"type":"string"}}},"required":["key","rawPaths"]})",
        false, [this](const QJsonObject &a, const CancellationToken &) { return wikiRemove(a); });
    add("sl_discover",
        "List semantic-layer sources with their columns, measures and joins; optionally "
        "filtered by words.",
        R"({"type":"object","properties":{"query":{"type":"string"},"connectionId":{"type":"string"},"limit":{"type":"integer","minimum":1,"maximum":100}}})",
        true, [this](const QJsonObject &a, const CancellationToken &) { return slDiscover(a); });
    add("sl_read_source", "Read a semantic-layer source's YAML by its name.",
        R"({"type":"object","properties":{"connectionId":{"type":"string"},"sourceName":{"type":"string"}},"required":["connectionId","sourceName"]})",
        true, [this](const QJsonObject &a, const CancellationToken &) { return slReadSource(a); });
    add("sl_write_source",
        "Create or replace a whole semantic-layer source (YAML). Cite the raw evidence in "
        "rawPaths. Record a verification ledger entry first.",
        R"({"type":"object","properties":{"connectionId":{"type":"string"},"sourceName":{"type":"string"},"yaml":{"type":"string"},"rawPaths":{"type":"array","items":{"type":"string"}}},"required":["connectionId","sourceName","yaml","rawPaths"]})",
        false,
        [this](const QJsonObject &a, const CancellationToken &) { return slWriteSource(a); });
    add("sl_edit_source",
        "Edit a semantic-layer source by exact text replacement: each oldText must occur "
        "exactly once. delete:true removes the source. Cite the raw evidence in rawPaths.",
        R"({"type":"object","properties":{"connectionId":{"type":"string"},"sourceName":{"type":"string"},"yaml_edits":{"type":"array","items":{"type":"object","properties":{"oldText":{"type":"string"},"newText":{"type":"string"},"reason":{"type":"string"}},"required":["oldText","newText"]}},"delete":{"type":"boolean"},"rawPaths":{"type":"array","items":{"type":"string"}}},"required":["connectionId","sourceName","rawPaths"]})",
        false, [this](const QJsonObject &a, const CancellationToken &) { return slEditSource(a); });
    add("sl_validate",
        "Validate the semantic-layer sources of a connection (schema, join targets, keys).",
        R"({"type":"object","properties":{"connectionId":{"type":"string"}}})", true,
        [this](const QJsonObject &a, const CancellationToken &) { return slValidate(a); });
    add("read_raw_file", "Read one raw evidence file of this work unit.",
        R"({"type":"object","properties":{"path":{"type":"string"}},"required":["path"]})", true,
        [this](const QJsonObject &a, const CancellationToken &) { return readRawFile(a); });
    add("read_raw_span", "Read lines startLine..endLine (1-based, inclusive) of a raw file.",
        R"({"type":"object","properties":{"path":{"type":"string"},"startLine":{"type":"integer","minimum":1},"endLine":{"type":"integer","minimum":1}},"required":["path","startLine","endLine"]})",
        true, [this](const QJsonObject &a, const CancellationToken &) { return readRawSpan(a); });
    add("entity_details",
        "Columns, keys, row estimates and comments of warehouse tables, from the staged scan.",
        R"({"type":"object","properties":{"connectionId":{"type":"string"},"entities":{"type":"array","minItems":1,"maxItems":20,"items":{"type":"object","properties":{"table":{"type":"string"},"columns":{"type":"array","items":{"type":"string"}}},"required":["table"]}}},"required":["connectionId","entities"]})",
        true, [this](const QJsonObject &a, const CancellationToken &) { return entityDetails(a); });
    add("sql_execution", "Run one read-only SQL statement against an allowed connection.",
        R"({"type":"object","properties":{"connectionId":{"type":"string"},"sql":{"type":"string"},"maxRows":{"type":"integer","minimum":1,"maximum":10000}},"required":["connectionId","sql"]})",
        true,
        [this](const QJsonObject &a, const CancellationToken &c) { return sqlExecution(a, c); });
    add("record_verification_ledger",
        "Record what you verified (and what you could not) before any write.",
        R"({"type":"object","properties":{"summary":{"type":"string","minLength":1},"verifiedIdentifiers":{"type":"array","items":{"type":"string"}},"unverifiedIdentifiers":{"type":"array","items":{"type":"string"}},"notes":{"type":"string"}},"required":["summary","verifiedIdentifiers"]})",
        false,
        [this](const QJsonObject &a, const CancellationToken &) { return recordVerification(a); });
    if (m_scope.reconcile)
        add("emit_conflict_resolution",
            "Record a duplicate or contradiction between artifacts of this run and accepted "
            "context. Contradictions between sources are flagged for a person.",
            R"({"type":"object","properties":{"kind":{"type":"string","enum":["structural_duplicate","near_duplicate","definitional_contradiction","re_ingest_change"]},"artifactKey":{"type":"string"},"contestedKey":{"type":"string"},"unitKey":{"type":"string"},"detail":{"type":"string"},"flaggedForHuman":{"type":"boolean"}},"required":["kind","artifactKey","detail"]})",
            false, [this](const QJsonObject &a, const CancellationToken &) {
                return emitConflictResolution(a);
            });
    return set;
}

Result<IngestToolSession::WikiTarget> IngestToolSession::wikiTarget(const QJsonObject &args,
                                                                    bool forWrite) const
{
    QString key = str(args, "key");
    QString scope = str(args, "scope");
    if (!scope.isEmpty() && scope != QLatin1String("global") && scope != QLatin1String("user"))
        return makeError(
            QStringLiteral("wiki.bad_scope"),
            QStringLiteral("scope must be \"global\" or \"user\", not \"%1\".").arg(scope));
    // The MCP key forms, as reports and memory_ingest_status name pages.
    QString prefixScope;
    if (key.startsWith(QLatin1String("global/"))) {
        prefixScope = QStringLiteral("global");
        key = key.mid(7);
    } else if (key.startsWith(QLatin1String("user/"))) {
        const QString owner = key.section(QLatin1Char('/'), 1, 1);
        if (m_scope.userId.isEmpty() || owner != m_scope.userId)
            return makeError(QStringLiteral("wiki.other_user"),
                             m_scope.userId.isEmpty()
                                 ? QStringLiteral("This run has no user: only global pages are "
                                                  "visible. Use a bare key.")
                                 : QStringLiteral("Only the pages of user %1 are visible to this "
                                                  "run, not those of \"%2\".")
                                       .arg(m_scope.userId, owner));
        prefixScope = QStringLiteral("user");
        key = key.section(QLatin1Char('/'), 2);
    }
    if (!prefixScope.isEmpty() && !scope.isEmpty() && prefixScope != scope)
        return makeError(
            QStringLiteral("wiki.bad_scope"),
            QStringLiteral("The key names a %1 page but scope says %2.").arg(prefixScope, scope));
    if (scope.isEmpty())
        scope = prefixScope;
    if (scope == QLatin1String("user") && m_scope.userId.isEmpty())
        return makeError(QStringLiteral("wiki.no_user"),
                         QStringLiteral("This run has no user, so it has no user pages: write "
                                        "global pages (drop scope)."));
    if (!WikiPageText::isValidKey(key))
        return makeError(QStringLiteral("wiki.bad_key"),
                         QStringLiteral("Wiki keys are flat file names (letters, digits, _ . -)."));
    WikiTarget target;
    target.key = key;
    if (scope == QLatin1String("user")
        || (scope.isEmpty() && !forWrite && !m_scope.userId.isEmpty()
            && m_overlay->exists(wikiPath(key, m_scope.userId))))
        target.userId = m_scope.userId;
    target.path = wikiPath(key, target.userId);
    return target;
}

ToolOutput IngestToolSession::wikiRead(const QJsonObject &args)
{
    const auto target = wikiTarget(args, false);
    if (!target.ok())
        return ToolOutput::failure(target.error().message);
    const auto bytes = m_overlay->read(target->path);
    if (!bytes)
        return ToolOutput::failure(
            QStringLiteral("No wiki page \"%1\".").arg(wikiReportKey(target->key, target->userId)));
    const QString content = QString::fromUtf8(*bytes);
    QJsonObject structured {
        {QStringLiteral("key"), target->key},
        {QStringLiteral("scope"),
         target->userId.isEmpty() ? QStringLiteral("global") : QStringLiteral("user")},
        {QStringLiteral("content"), content}};
    if (target->userId.isEmpty())
        return ToolOutput::success(content, structured);
    // Say whose page it is: the model must not mistake a personal note for shared fact.
    structured.insert(QStringLiteral("userId"), target->userId);
    return ToolOutput::success(
        QStringLiteral("(user page of %1: %2%3)\n")
                .arg(target->userId, target->path,
                     m_overlay->exists(wikiPath(target->key))
                         ? QStringLiteral("; it shadows the global page of this key")
                         : QString())
            + content,
        structured);
}

ToolOutput IngestToolSession::wikiSearch(const QJsonObject &args)
{
    const QStringList terms
        = str(args, "query")
              .toLower()
              .split(QRegularExpression(QStringLiteral("[^\\w]+")), Qt::SkipEmptyParts);
    const int limit = args.value(QStringLiteral("limit")).toInt(10);
    struct Hit
    {
        QString key;
        QString userId;
        QString summary;
        double score;
    };
    // key -> path: the global pages, then the user's pages over them.
    QMap<QString, QPair<QString, QString>> visible;
    const auto collect = [&](const QString &folder, const QString &userId) {
        for (const QString &path : m_overlay->list(folder)) {
            const QString name = path.mid(folder.size());
            if (!name.endsWith(QLatin1String(".md")) || name.contains(QLatin1Char('/')))
                continue;
            visible.insert(name.chopped(3), {path, userId});
        }
    };
    collect(QStringLiteral("wiki/global/"), {});
    if (!m_scope.userId.isEmpty())
        collect(QStringLiteral("wiki/user/%1/").arg(m_scope.userId), m_scope.userId);
    QList<Hit> hits;
    for (auto it = visible.cbegin(); it != visible.cend(); ++it) {
        const QString &key = it.key();
        const QString text
            = QString::fromUtf8(m_overlay->read(it.value().first).value_or(QByteArray()));
        const QString haystack = (key + QLatin1Char(' ') + text).toLower();
        int matched = 0;
        for (const QString &term : terms)
            matched += haystack.contains(term) ? 1 : 0;
        if (matched == 0)
            continue;
        auto page = WikiPageText::parse(text.toUtf8());
        hits << Hit {key, it.value().second, page.ok() ? page->summary : QString(),
                     double(matched) / terms.size()};
    }
    std::stable_sort(hits.begin(), hits.end(),
                     [](const Hit &a, const Hit &b) { return a.score > b.score; });
    QJsonArray results;
    QString text;
    for (const Hit &hit : hits.mid(0, limit)) {
        QJsonObject result {
            {QStringLiteral("key"), hit.key},
            {QStringLiteral("scope"),
             hit.userId.isEmpty() ? QStringLiteral("global") : QStringLiteral("user")},
            {QStringLiteral("summary"), hit.summary},
            {QStringLiteral("score"), hit.score}};
        if (!hit.userId.isEmpty())
            result.insert(QStringLiteral("userId"), hit.userId);
        results.append(result);
        text += hit.userId.isEmpty()
            ? QStringLiteral("- %1: %2\n").arg(hit.key, hit.summary)
            : QStringLiteral("- %1 (user %2): %3\n").arg(hit.key, hit.userId, hit.summary);
    }
    return ToolOutput::success(text.isEmpty() ? QStringLiteral("No wiki page matches.") : text,
                               QJsonObject {{QStringLiteral("results"), results},
                                            {QStringLiteral("totalFound"), hits.size()}});
}

ToolOutput IngestToolSession::wikiWrite(const QJsonObject &args)
{
    const auto target = wikiTarget(args, true);
    if (!target.ok())
        return refuse(QStringLiteral("wiki_write"), wikiPath(str(args, "key")),
                      target.error().message);
    const QString &key = target->key;
    const QString &path = target->path;
    const bool userPage = !target->userId.isEmpty();
    QStringList rawPaths;
    if (const auto why = checkWriteAllowed(args, &rawPaths))
        return refuse(QStringLiteral("wiki_write"), path, *why);
    QString content = str(args, "content");
    if (!content.contains(QLatin1Char('\n')) && content.contains(QLatin1String("\\n")))
        content.replace(QLatin1String("\\n"), QLatin1String("\n")); // escaped by the model
    const QByteArray bytes = content.toUtf8();
    auto page = WikiPageText::parse(bytes);
    if (!page.ok())
        return refuse(QStringLiteral("wiki_write"), path, page.error().message);
    // Every reference must be visible in the page's scope (ktx-spec §5): a user
    // page sees the global pages and its user's; a global page only global ones,
    // since other people read it without this user's pages.
    QStringList missing;
    QStringList userOnly;
    for (const QString &ref : page->refs + page->links) {
        if (ref == key || missing.contains(ref) || userOnly.contains(ref))
            continue;
        if (m_overlay->exists(wikiPath(ref))
            || (userPage && m_overlay->exists(wikiPath(ref, target->userId))))
            continue;
        if (!userPage && !m_scope.userId.isEmpty()
            && m_overlay->exists(wikiPath(ref, m_scope.userId)))
            userOnly << ref;
        else
            missing << ref;
    }
    if (!userOnly.isEmpty())
        return refuse(QStringLiteral("wiki_write"), path,
                      QStringLiteral("A global page may not reference user pages (%1): only user "
                                     "%2 can see them. Write this page with scope \"user\", or "
                                     "drop the references.")
                          .arg(userOnly.join(QStringLiteral(", ")), m_scope.userId));
    if (!missing.isEmpty())
        return refuse(QStringLiteral("wiki_write"), path,
                      QStringLiteral("These referenced pages do not exist: %1. Write them first "
                                     "or drop the references.")
                          .arg(missing.join(QStringLiteral(", "))));
    const bool existed = m_overlay->exists(path);
    m_overlay->write(path, bytes);
    const QString reportKey = wikiReportKey(key, target->userId);
    recordAction({QStringLiteral("wiki"),
                  existed ? QStringLiteral("updated") : QStringLiteral("created"),
                  reportKey,
                  path,
                  page->summary,
                  {},
                  rawPaths});
    accept(QStringLiteral("wiki_write"), path,
           existed ? QStringLiteral("updated") : QStringLiteral("created"));
    return ToolOutput::success(QStringLiteral("Wrote wiki page %1 (%2).").arg(reportKey, path));
}

ToolOutput IngestToolSession::wikiRemove(const QJsonObject &args)
{
    const auto target = wikiTarget(args, false);
    if (!target.ok())
        return refuse(QStringLiteral("wiki_remove"), wikiPath(str(args, "key")),
                      target.error().message);
    const QString &path = target->path;
    const QString reportKey = wikiReportKey(target->key, target->userId);
    QStringList rawPaths;
    if (const auto why = checkWriteAllowed(args, &rawPaths))
        return refuse(QStringLiteral("wiki_remove"), path, *why);
    if (!m_overlay->exists(path))
        return refuse(QStringLiteral("wiki_remove"), path,
                      QStringLiteral("No wiki page \"%1\".").arg(reportKey));
    m_overlay->remove(path);
    recordAction({QStringLiteral("wiki"),
                  QStringLiteral("removed"),
                  reportKey,
                  path,
                  str(args, "reason"),
                  {},
                  rawPaths});
    accept(QStringLiteral("wiki_remove"), path, QStringLiteral("removed"));
    return ToolOutput::success(QStringLiteral("Removed wiki page %1.").arg(reportKey));
}

ToolOutput IngestToolSession::slDiscover(const QJsonObject &args)
{
    const QStringList terms
        = str(args, "query")
              .toLower()
              .split(QRegularExpression(QStringLiteral("[^\\w]+")), Qt::SkipEmptyParts);
    const int limit = args.value(QStringLiteral("limit")).toInt(25);
    QStringList connections;
    if (!str(args, "connectionId").isEmpty())
        connections << str(args, "connectionId");
    else
        connections = m_scope.allowedConnections;
    QJsonArray sources;
    QString text;
    for (const QString &connection : std::as_const(connections)) {
        for (const QString &path : m_overlay->list(layerPrefix(connection))) {
            if (!isSourceFile(path, connection))
                continue;
            const QByteArray bytes = m_overlay->read(path).value_or(QByteArray());
            if (!terms.isEmpty()) {
                const QString hay = QString::fromUtf8(bytes).toLower();
                if (std::none_of(terms.cbegin(), terms.cend(),
                                 [&](const QString &t) { return hay.contains(t); }))
                    continue;
            }
            const auto loaded = SourceLoader::fromYaml(bytes, path);
            if (!loaded.source)
                continue;
            const SemanticSource &s = *loaded.source;
            QStringList columns, measures, joins;
            for (const SourceColumn &c : s.columns)
                columns << c.name;
            for (const SourceMeasure &m : s.measures)
                measures << m.name;
            for (const SourceJoin &j : s.joins)
                joins << j.to;
            sources.append(
                QJsonObject {{QStringLiteral("connectionId"), connection},
                             {QStringLiteral("name"), s.name},
                             {QStringLiteral("description"), s.description},
                             {QStringLiteral("columns"), QJsonArray::fromStringList(columns)},
                             {QStringLiteral("measures"), QJsonArray::fromStringList(measures)},
                             {QStringLiteral("joins"), QJsonArray::fromStringList(joins)}});
            text += QStringLiteral("- %1/%2: columns %3; measures %4; joins %5\n")
                        .arg(connection, s.name, columns.join(QStringLiteral(", ")),
                             measures.join(QStringLiteral(", ")), joins.join(QStringLiteral(", ")));
            if (sources.size() >= limit)
                break;
        }
    }
    return ToolOutput::success(text.isEmpty() ? QStringLiteral("No sources match.") : text,
                               QJsonObject {{QStringLiteral("sources"), sources}});
}

ToolOutput IngestToolSession::slReadSource(const QJsonObject &args)
{
    const QString connection = str(args, "connectionId");
    const QString name = str(args, "sourceName");
    const QString path = findSourceFile(*m_overlay, connection, name);
    if (path.isEmpty())
        return ToolOutput::failure(
            QStringLiteral("No semantic-layer source '%1' for connection '%2'")
                .arg(name, connection));
    const QString yaml = QString::fromUtf8(m_overlay->read(path).value_or(QByteArray()));
    return ToolOutput::success(
        yaml, QJsonObject {{QStringLiteral("sourceName"), name}, {QStringLiteral("yaml"), yaml}});
}

ToolOutput IngestToolSession::slWriteSource(const QJsonObject &args)
{
    const QString connection = str(args, "connectionId");
    const QString name = str(args, "sourceName");
    QString path = findSourceFile(*m_overlay, connection, name);
    const bool existed = !path.isEmpty();
    if (!existed)
        path = layerPrefix(connection) + SourceFileName::forSource(name);
    if (!m_scope.allowedConnections.contains(connection))
        return refuse(QStringLiteral("sl_write_source"), path,
                      QStringLiteral("This work unit may write sources only for: %1.")
                          .arg(m_scope.allowedConnections.join(QStringLiteral(", "))));
    QStringList rawPaths;
    if (const auto why = checkWriteAllowed(args, &rawPaths))
        return refuse(QStringLiteral("sl_write_source"), path, *why);
    const QByteArray bytes = str(args, "yaml").toUtf8();
    const auto loaded = SourceLoader::fromYaml(bytes, path);
    QStringList errors;
    for (const SourceIssue &issue : loaded.issues)
        if (issue.isError())
            errors << issue.toText();
    if (!loaded.source || !errors.isEmpty())
        return refuse(QStringLiteral("sl_write_source"), path,
                      QStringLiteral("The source does not validate:\n")
                          + errors.join(QLatin1Char('\n')));
    if (loaded.source->name != name)
        return refuse(QStringLiteral("sl_write_source"), path,
                      QStringLiteral("The YAML declares name '%1', not '%2'.")
                          .arg(loaded.source->name, name));
    m_overlay->write(path, bytes);
    {
        QMutexLocker lock(&m_mutex);
        m_touched.insert(connection + QLatin1Char(':') + name);
    }
    recordAction({QStringLiteral("sl"),
                  existed ? QStringLiteral("updated") : QStringLiteral("created"),
                  name,
                  path,
                  {},
                  connection == m_scope.connectionId ? QString() : connection,
                  rawPaths});
    accept(QStringLiteral("sl_write_source"), path,
           existed ? QStringLiteral("updated") : QStringLiteral("created"));
    return ToolOutput::success(QStringLiteral("Wrote source %1 (%2).").arg(name, path));
}

ToolOutput IngestToolSession::slEditSource(const QJsonObject &args)
{
    const QString connection = str(args, "connectionId");
    const QString name = str(args, "sourceName");
    const QString path = findSourceFile(*m_overlay, connection, name);
    if (!m_scope.allowedConnections.contains(connection))
        return refuse(QStringLiteral("sl_edit_source"), path,
                      QStringLiteral("This work unit may write sources only for: %1.")
                          .arg(m_scope.allowedConnections.join(QStringLiteral(", "))));
    QStringList rawPaths;
    if (const auto why = checkWriteAllowed(args, &rawPaths))
        return refuse(QStringLiteral("sl_edit_source"), path, *why);
    if (path.isEmpty())
        return refuse(QStringLiteral("sl_edit_source"), path,
                      QStringLiteral("No semantic-layer source '%1' for connection '%2'; use "
                                     "sl_write_source to create it.")
                          .arg(name, connection));
    if (args.value(QStringLiteral("delete")).toBool()) {
        m_overlay->remove(path);
        {
            QMutexLocker lock(&m_mutex);
            m_touched.insert(connection + QLatin1Char(':') + name);
        }
        recordAction(
            {QStringLiteral("sl"), QStringLiteral("removed"), name, path, {}, {}, rawPaths});
        accept(QStringLiteral("sl_edit_source"), path, QStringLiteral("removed"));
        return ToolOutput::success(QStringLiteral("Removed source %1.").arg(name));
    }
    QString text = QString::fromUtf8(m_overlay->read(path).value_or(QByteArray()));
    const QJsonArray edits = args.value(QStringLiteral("yaml_edits")).toArray();
    if (edits.isEmpty())
        return refuse(QStringLiteral("sl_edit_source"), path,
                      QStringLiteral("Give yaml_edits, or delete:true."));
    QStringList details;
    for (const QJsonValue &v : edits) {
        const QString oldText = v[QStringLiteral("oldText")].toString();
        const QString newText = v[QStringLiteral("newText")].toString();
        const qsizetype count = oldText.isEmpty() ? 0 : text.count(oldText);
        if (count != 1)
            return refuse(QStringLiteral("sl_edit_source"), path,
                          QStringLiteral("oldText must occur exactly once in the source; it occurs "
                                         "%1 times: %2")
                              .arg(count)
                              .arg(oldText.left(80)));
        text.replace(oldText, newText);
        details << v[QStringLiteral("reason")].toString();
    }
    const QByteArray bytes = text.toUtf8();
    const auto loaded = SourceLoader::fromYaml(bytes, path);
    QStringList errors;
    for (const SourceIssue &issue : loaded.issues)
        if (issue.isError())
            errors << issue.toText();
    if (!loaded.source || !errors.isEmpty())
        return refuse(QStringLiteral("sl_edit_source"), path,
                      QStringLiteral("After the edits the source does not validate:\n")
                          + errors.join(QLatin1Char('\n')));
    if (loaded.source->name != name)
        return refuse(QStringLiteral("sl_edit_source"), path,
                      QStringLiteral("An edit may not rename the source."));
    m_overlay->write(path, bytes);
    {
        QMutexLocker lock(&m_mutex);
        m_touched.insert(connection + QLatin1Char(':') + name);
    }
    recordAction({QStringLiteral("sl"),
                  QStringLiteral("updated"),
                  name,
                  path,
                  details.join(QStringLiteral("; ")).trimmed(),
                  {},
                  rawPaths});
    accept(QStringLiteral("sl_edit_source"), path, QStringLiteral("updated"));
    return ToolOutput::success(QStringLiteral("Edited source %1.").arg(name));
}

ToolOutput IngestToolSession::slValidate(const QJsonObject &args)
{
    const QString connection
        = str(args, "connectionId").isEmpty() ? m_scope.connectionId : str(args, "connectionId");
    QList<SemanticSource> sources;
    QStringList problems;
    for (const QString &path : m_overlay->list(layerPrefix(connection))) {
        if (!isSourceFile(path, connection))
            continue;
        for (const auto &loaded :
             SourceLoader::fromYamlFile(m_overlay->read(path).value_or(QByteArray()), path)) {
            for (const SourceIssue &issue : loaded.issues)
                problems << issue.toText();
            if (loaded.source)
                sources << *loaded.source;
        }
    }
    for (const SourceIssue &issue : SourceValidator::validate(sources))
        if (issue.isError())
            problems << issue.toText();
    const bool ok = std::none_of(problems.cbegin(), problems.cend(), [](const QString &p) {
        return p.contains(QLatin1String("error: "));
    });
    return ToolOutput::success(
        problems.isEmpty() ? QStringLiteral("%1 sources, no problems.").arg(sources.size())
                           : problems.join(QLatin1Char('\n')),
        QJsonObject {{QStringLiteral("ok"), ok},
                     {QStringLiteral("sources"), sources.size()},
                     {QStringLiteral("problems"), QJsonArray::fromStringList(problems)}});
}

ToolOutput IngestToolSession::readRawFile(const QJsonObject &args)
{
    const QString path = str(args, "path");
    if (!m_scope.readableRawPaths.contains(path))
        return ToolOutput::failure(
            QStringLiteral("%1 is not a raw file of this work unit. Readable: %2")
                .arg(path, m_scope.readableRawPaths.mid(0, 10).join(QStringLiteral(", "))));
    const auto bytes = m_overlay->read(path);
    if (!bytes)
        return ToolOutput::failure(QStringLiteral("%1 does not exist.").arg(path));
    return ToolOutput::success(QString::fromUtf8(*bytes));
}

ToolOutput IngestToolSession::readRawSpan(const QJsonObject &args)
{
    const QString path = str(args, "path");
    if (!m_scope.readableRawPaths.contains(path))
        return ToolOutput::failure(
            QStringLiteral("%1 is not a raw file of this work unit.").arg(path));
    const auto bytes = m_overlay->read(path);
    if (!bytes)
        return ToolOutput::failure(QStringLiteral("%1 does not exist.").arg(path));
    const QStringList lines = QString::fromUtf8(*bytes).split(QLatin1Char('\n'));
    const int start = qMax(1, args.value(QStringLiteral("startLine")).toInt());
    const int end = qMin(int(lines.size()), args.value(QStringLiteral("endLine")).toInt());
    if (start > end)
        return ToolOutput::success(
            QStringLiteral("The file has %1 lines; the range %2-%3 is empty.")
                .arg(lines.size())
                .arg(start)
                .arg(end));
    return ToolOutput::success(lines.mid(start - 1, end - start + 1).join(QLatin1Char('\n')));
}

ToolOutput IngestToolSession::entityDetails(const QJsonObject &args)
{
    const QString connection = str(args, "connectionId");
    if (connection != m_scope.connectionId)
        return ToolOutput::failure(
            QStringLiteral("This run staged a scan of '%1' only.").arg(m_scope.connectionId));
    // Table files are named b64url(catalog).b64url(db).b64url(name).json.
    struct Entry
    {
        TableRef ref;
        QString path;
    };
    QList<Entry> tables;
    for (const QString &path : m_overlay->list(m_scope.rawRoot + QStringLiteral("/tables/"))) {
        const QStringList parts
            = path.section(QLatin1Char('/'), -1).chopped(5).split(QLatin1Char('.'));
        if (parts.size() != 3)
            continue;
        tables << Entry {{decodePart(parts[0]), decodePart(parts[1]), decodePart(parts[2])}, path};
    }
    QJsonArray results;
    QString text;
    for (const QJsonValue &v : args.value(QStringLiteral("entities")).toArray()) {
        const QString wanted = v[QStringLiteral("table")].toString();
        QList<Entry> matches;
        for (const Entry &e : std::as_const(tables))
            if (e.ref.name.compare(wanted, Qt::CaseInsensitive) == 0
                || e.ref.displayName().compare(wanted, Qt::CaseInsensitive) == 0
                || QString(e.ref.db + QLatin1Char('.') + e.ref.name)
                        .compare(wanted, Qt::CaseInsensitive)
                    == 0)
                matches << e;
        if (matches.size() != 1) {
            const QString code = matches.isEmpty() ? QStringLiteral("table_not_found")
                                                   : QStringLiteral("ambiguous_table");
            results.append(QJsonObject {
                {QStringLiteral("ok"), false},
                {QStringLiteral("table"), wanted},
                {QStringLiteral("error"), QJsonObject {{QStringLiteral("code"), code}}}});
            text += QStringLiteral("%1: %2\n").arg(wanted, code);
            continue;
        }
        const SchemaTable table = SchemaTable::fromJson(
            QJsonDocument::fromJson(m_overlay->read(matches.first().path).value_or(QByteArray()))
                .object());
        const QStringList only = strings(v[QStringLiteral("columns")]);
        QJsonArray columns;
        text += QStringLiteral("%1 (%2 rows):\n")
                    .arg(table.ref.displayName())
                    .arg(table.exactRows.value_or(table.estimatedRows.value_or(-1)));
        for (const SchemaColumn &c : table.columns) {
            if (!only.isEmpty() && !only.contains(c.name))
                continue;
            columns.append(QJsonObject {{QStringLiteral("name"), c.name},
                                        {QStringLiteral("type"), c.nativeType},
                                        {QStringLiteral("dimensionType"), c.dimensionType},
                                        {QStringLiteral("nullable"), c.nullable},
                                        {QStringLiteral("primaryKey"), c.primaryKey},
                                        {QStringLiteral("comment"), c.comment}});
            text += QStringLiteral("  %1 %2%3\n")
                        .arg(c.name, c.nativeType,
                             c.primaryKey ? QStringLiteral(" primary key") : QString());
        }
        QJsonArray fks;
        for (const SchemaForeignKey &fk : table.foreignKeys)
            fks.append(QJsonObject {{QStringLiteral("fromColumn"), fk.fromColumn},
                                    {QStringLiteral("toTable"), fk.toTable},
                                    {QStringLiteral("toColumn"), fk.toColumn}});
        results.append(QJsonObject {{QStringLiteral("ok"), true},
                                    {QStringLiteral("connectionId"), connection},
                                    {QStringLiteral("display"), table.ref.displayName()},
                                    {QStringLiteral("kind"), table.kind},
                                    {QStringLiteral("comment"), table.comment},
                                    {QStringLiteral("columns"), columns},
                                    {QStringLiteral("foreignKeys"), fks},
                                    {QStringLiteral("snapshot"),
                                     QJsonObject {{QStringLiteral("syncId"), m_scope.syncId}}}});
    }
    return ToolOutput::success(text, QJsonObject {{QStringLiteral("entities"), results}});
}

ToolOutput IngestToolSession::sqlExecution(const QJsonObject &args, const CancellationToken &cancel)
{
    const QString connectionId = str(args, "connectionId");
    if (!m_scope.allowedConnections.contains(connectionId))
        return ToolOutput::failure(QStringLiteral("SQL may run only on: %1.")
                                       .arg(m_scope.allowedConnections.join(QStringLiteral(", "))));
    const ConnectionConfig *connection = m_scope.config.connection(connectionId);
    if (!connection)
        return ToolOutput::failure(
            QStringLiteral("Connection \"%1\" is not configured in ktx.yaml").arg(connectionId));
    auto settings = ConnectionSettings::fromConfig(*connection, m_scope.projectDir);
    if (!settings.ok())
        return ToolOutput::failure(settings.error().toText());
    auto checked = ReadOnlySqlGuard::check(str(args, "sql"), settings->driver);
    if (!checked.ok())
        return ToolOutput::failure(checked.error().message);
    if (cancel.isCancelled())
        return ToolOutput::failure(QStringLiteral("cancelled"));
    auto session = DatabaseSession::open(*settings);
    if (!session.ok())
        return ToolOutput::failure(session.error().toText());
    auto result = (*session)->query(*checked, args.value(QStringLiteral("maxRows")).toInt(100));
    if (!result.ok())
        return ToolOutput::failure(result.error().toText());
    QJsonArray rows;
    QString text = result->columns.join(QLatin1Char('\t')) + QLatin1Char('\n');
    for (const QVariantList &row : result->rows) {
        QJsonArray r;
        QStringList cells;
        for (const QVariant &cell : row) {
            r.append(QJsonValue::fromVariant(cell));
            cells << cell.toString();
        }
        rows.append(r);
        text += cells.join(QLatin1Char('\t')) + QLatin1Char('\n');
    }
    return ToolOutput::success(
        text,
        QJsonObject {{QStringLiteral("headers"), QJsonArray::fromStringList(result->columns)},
                     {QStringLiteral("rows"), rows},
                     {QStringLiteral("rowCount"), rows.size()}});
}

ToolOutput IngestToolSession::recordVerification(const QJsonObject &args)
{
    {
        QMutexLocker lock(&m_mutex);
        ++m_ledger;
    }
    accept(QStringLiteral("record_verification_ledger"), {}, str(args, "summary"));
    return ToolOutput::success(
        QStringLiteral("Verification recorded (%1 verified, %2 unverified).")
            .arg(args.value(QStringLiteral("verifiedIdentifiers")).toArray().size())
            .arg(args.value(QStringLiteral("unverifiedIdentifiers")).toArray().size()));
}

ToolOutput IngestToolSession::emitConflictResolution(const QJsonObject &args)
{
    ReconciliationRecord record;
    record.kind = str(args, "kind");
    record.artifactKey = str(args, "artifactKey");
    record.contestedKey = str(args, "contestedKey");
    record.unitKey = str(args, "unitKey");
    record.detail = str(args, "detail");
    // A contradiction between sources is for a person to settle, whatever the model says.
    record.flaggedForHuman = args.value(QStringLiteral("flaggedForHuman")).toBool()
        || record.kind == QLatin1String("definitional_contradiction");
    {
        QMutexLocker lock(&m_mutex);
        m_records << record;
    }
    return ToolOutput::success(
        QStringLiteral("Recorded %1 for %2.").arg(record.kind, record.artifactKey));
}

} // namespace ktx
