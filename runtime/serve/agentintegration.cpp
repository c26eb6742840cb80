#include "serve/agentintegration.h"

#include "core/atomicfile.h"
#include "serve/agentinstalljson.h"
#include "serve/agentinstalltoml.h"
#include "serve/agentintegrationtexts.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QUrl>

#include <functional>

namespace ktx {

namespace {

using Action = AgentFileChange::Action;
using Texts = AgentIntegrationTexts;

const QLatin1String KindFile("file");
const QLatin1String KindJson("json-key");
const QLatin1String KindToml("toml-table");
const QLatin1String CodexTable("mcp_servers.ktx");
const QLatin1String TokenVariable("KTX_MCP_TOKEN");

// Config files of agent clients are small; ~/.claude.json, the largest, holds
// history and stays within a few megabytes.
constexpr qint64 MaxConfigBytes = 64 * 1024 * 1024;

bool is(const QString &value, const char *name)
{
    return value == QLatin1String(name);
}

QString sha256(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

// What one target needs at one path.
struct Desired
{
    QString path; // absolute
    QString kind;
    QString role;
    QStringList jsonPath;
    QString table;
    QByteArray content; // file
    QJsonValue value; // json-key
    QByteArray tomlBody; // toml-table
    QStringList owners;

    AgentInstallEntry entryLike(const AgentInstallManifest &manifest) const
    {
        AgentInstallEntry e;
        e.kind = kind;
        e.path = manifest.storedPath(path);
        e.jsonPath = jsonPath;
        e.table = table;
        return e;
    }
};

// Reads files once per plan, and remembers what earlier changes in the plan
// will have written, so two changes to one file chain correctly.
class PlannedFiles
{
public:
    struct State
    {
        bool exists = false;
        QByteArray content;
    };

    Result<State> read(const QString &path)
    {
        if (const auto it = m_states.constFind(path); it != m_states.cend())
            return *it;
        State state;
        const QFileInfo info(path);
        if (info.exists()) {
            if (info.isDir())
                return makeError(QStringLiteral("agent_config_unreadable"),
                                 QStringLiteral("%1 is a folder, not a file.").arg(path),
                                 QStringLiteral("Move it away, then run the command again."));
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly))
                return makeError(
                    QStringLiteral("agent_config_unreadable"),
                    QStringLiteral("Cannot read %1: %2.").arg(path, file.errorString()),
                    QStringLiteral("Check its permissions, then run the command "
                                   "again; nothing was written."));
            state.exists = true;
            state.content = file.read(MaxConfigBytes);
        }
        m_states.insert(path, state);
        return state;
    }

    void plan(const AgentFileChange &change)
    {
        if (change.action == Action::Keep || change.action == Action::Unchanged)
            return;
        m_states.insert(change.path, State {!change.deleteFile, change.after});
    }

private:
    QHash<QString, State> m_states;
};

struct Resolved
{
    AgentIntegrationRequest request;
    QStringList stopDirs; // folders ktx never removes, even empty
};

Resolved resolve(AgentIntegrationRequest request)
{
    request.projectDir = QDir::cleanPath(QDir(request.projectDir).absolutePath());
    request.installDir = request.installDir.isEmpty()
        ? request.projectDir
        : QDir::cleanPath(QDir(request.installDir).absolutePath());
    if (request.homeDir.isEmpty())
        request.homeDir = QDir::homePath();
    request.homeDir = QDir::cleanPath(request.homeDir);
    if (request.codexHome.isEmpty()) {
        const QString fromEnv = qEnvironmentVariable("CODEX_HOME");
        request.codexHome = fromEnv.isEmpty()
            ? QDir(request.homeDir).filePath(QStringLiteral(".codex"))
            : fromEnv;
    }
    request.codexHome = QDir::cleanPath(QDir(request.codexHome).absolutePath());
    const AgentIntegration::Endpoint endpoint = AgentIntegration::endpoint(request.projectDir);
    if (request.url.isEmpty())
        request.url = endpoint.url;
    if (!request.tokenAuth)
        request.tokenAuth = endpoint.tokenAuth;
    if (request.ktxCommand.isEmpty())
        request.ktxCommand = QStringLiteral("ktx");
    if (is(request.scope, "user"))
        request.scope = QStringLiteral("global");
    return {request, {request.projectDir, request.installDir, request.homeDir, request.codexHome}};
}

QJsonObject mcpEntry(const AgentIntegrationRequest &r, const QString &target)
{
    QJsonObject entry {{QStringLiteral("url"), r.url}};
    if (is(target, "claude-code"))
        entry.insert(QStringLiteral("type"), QStringLiteral("http"));
    if (r.tokenAuth.value_or(false)) {
        // Each client's own syntax for "read this environment variable": Claude
        // Code expands ${NAME}, Cursor ${env:NAME}. Never the token itself.
        const QString reference = is(target, "cursor")
            ? QStringLiteral("${env:%1}").arg(TokenVariable)
            : QStringLiteral("${%1}").arg(TokenVariable);
        entry.insert(QStringLiteral("headers"),
                     QJsonObject {{QStringLiteral("Authorization"),
                                   QStringLiteral("Bearer %1").arg(reference)}});
    }
    return entry;
}

QByteArray codexTableBody(const AgentIntegrationRequest &r)
{
    QByteArray body = "url = " + AgentInstallJson::serialize(r.url) + '\n';
    if (r.tokenAuth.value_or(false))
        body += "bearer_token_env_var = \"" + QByteArray(TokenVariable.data()) + "\"\n";
    return body;
}

QList<Desired> desiredFor(const AgentIntegrationRequest &r, const QString &target)
{
    const QString owner = target + QLatin1Char(':') + r.scope;
    const bool global = is(r.scope, "global");
    const bool cli = is(r.mode, "mcp-cli");
    const Texts::Context context {r.ktxCommand, r.projectDir, r.url};
    QList<Desired> items;
    const auto file
        = [&](const QString &path, const char *role, Texts::Text text, Texts::Format format) {
              Desired d;
              d.path = QDir::cleanPath(path);
              d.kind = KindFile;
              d.role = QLatin1String(role);
              d.content = Texts::render(text, format, context);
              d.owners = {owner};
              items << d;
          };
    const auto jsonKey = [&](const QString &path, const QStringList &jsonPath) {
        Desired d;
        d.path = QDir::cleanPath(path);
        d.kind = KindJson;
        d.jsonPath = jsonPath;
        d.value = mcpEntry(r, target);
        d.owners = {owner};
        items << d;
    };
    const QDir install(r.installDir);
    const QDir home(r.homeDir);
    const QDir codexHome(r.codexHome);
    const QStringList serverKey = {QStringLiteral("mcpServers"), QStringLiteral("ktx")};

    if (is(target, "claude-code")) {
        if (global)
            jsonKey(home.filePath(QStringLiteral(".claude.json")), serverKey);
        else if (is(r.scope, "local"))
            jsonKey(home.filePath(QStringLiteral(".claude.json")),
                    QStringList {QStringLiteral("projects"), r.installDir} + serverKey);
        else
            jsonKey(install.filePath(QStringLiteral(".mcp.json")), serverKey);
        const QDir base(global ? home.filePath(QStringLiteral(".claude"))
                               : install.filePath(QStringLiteral(".claude")));
        file(base.filePath(QStringLiteral("skills/ktx-analytics/SKILL.md")), "analytics-skill",
             Texts::Text::Analytics, Texts::Format::Skill);
        if (cli) {
            file(base.filePath(QStringLiteral("skills/ktx/SKILL.md")), "skill", Texts::Text::Admin,
                 Texts::Format::Skill);
            file(base.filePath(QStringLiteral("rules/ktx.md")), "rule", Texts::Text::Rule,
                 Texts::Format::Markdown);
        }
    } else if (is(target, "codex")) {
        const QDir skills(global ? codexHome.filePath(QStringLiteral("skills"))
                                 : install.filePath(QStringLiteral(".agents/skills")));
        file(skills.filePath(QStringLiteral("ktx-analytics/SKILL.md")), "analytics-skill",
             Texts::Text::Analytics, Texts::Format::Skill);
        if (cli) {
            file(skills.filePath(QStringLiteral("ktx/SKILL.md")), "skill", Texts::Text::Admin,
                 Texts::Format::Skill);
            file(global ? codexHome.filePath(QStringLiteral("instructions/ktx.md"))
                        : install.filePath(QStringLiteral(".codex/instructions/ktx.md")),
                 "rule", Texts::Text::Rule, Texts::Format::Markdown);
        }
        if (r.writeCodexConfig) {
            Desired d;
            d.path = codexHome.filePath(QStringLiteral("config.toml"));
            d.kind = KindToml;
            d.table = CodexTable;
            d.tomlBody = codexTableBody(r);
            d.owners = {owner};
            items << d;
        }
    } else if (is(target, "cursor")) {
        jsonKey(install.filePath(QStringLiteral(".cursor/mcp.json")), serverKey);
        file(install.filePath(QStringLiteral(".cursor/rules/ktx-analytics.mdc")), "analytics-skill",
             Texts::Text::Analytics, Texts::Format::CursorRule);
        if (cli)
            file(install.filePath(QStringLiteral(".cursor/rules/ktx.mdc")), "skill",
                 Texts::Text::Admin, Texts::Format::CursorRule);
    } else if (is(target, "opencode")) {
        file(install.filePath(QStringLiteral(".opencode/commands/ktx-analytics.md")),
             "analytics-skill", Texts::Text::Analytics, Texts::Format::OpenCodeCommand);
        if (cli)
            file(install.filePath(QStringLiteral(".opencode/commands/ktx.md")), "skill",
                 Texts::Text::Admin, Texts::Format::OpenCodeCommand);
    } else if (is(target, "universal")) {
        file(install.filePath(QStringLiteral(".agents/skills/ktx-analytics/SKILL.md")),
             "analytics-skill", Texts::Text::Analytics, Texts::Format::Skill);
        if (cli)
            file(install.filePath(QStringLiteral(".agents/skills/ktx/SKILL.md")), "skill",
                 Texts::Text::Admin, Texts::Format::Skill);
    }
    return items;
}

QList<AgentSnippet> snippetsFor(const AgentIntegrationRequest &r, const QString &target)
{
    QList<AgentSnippet> snippets;
    if (is(target, "codex") && !r.writeCodexConfig) {
        QString text
            = QStringLiteral("[%1]\n").arg(CodexTable) + QString::fromUtf8(codexTableBody(r));
        snippets << AgentSnippet {
            target,
            QStringLiteral("Add to %1 (or pass --write-codex-config):")
                .arg(QDir(r.codexHome).filePath(QStringLiteral("config.toml"))),
            text.trimmed()};
    } else if (is(target, "opencode")) {
        QJsonObject server {{QStringLiteral("type"), QStringLiteral("remote")},
                            {QStringLiteral("url"), r.url},
                            {QStringLiteral("enabled"), true}};
        if (r.tokenAuth.value_or(false))
            // OpenCode's substitution syntax is {env:NAME}.
            server.insert(QStringLiteral("headers"),
                          QJsonObject {{QStringLiteral("Authorization"),
                                        QStringLiteral("Bearer {env:%1}").arg(TokenVariable)}});
        const QJsonObject root {
            {QStringLiteral("mcp"), QJsonObject {{QStringLiteral("ktx"), server}}}};
        snippets << AgentSnippet {
            target,
            QStringLiteral("Add to %1:")
                .arg(QDir(r.installDir).filePath(QStringLiteral("opencode.json"))),
            QString::fromUtf8(AgentInstallJson::serialize(root))};
    } else if (is(target, "universal")) {
        snippets << AgentSnippet {target, QStringLiteral("Universal MCP endpoint:"), r.url};
    }
    return snippets;
}

// The change that takes `entry` away (its owners are all gone).
Result<AgentFileChange> removalOf(const AgentInstallEntry &entry,
                                  const AgentInstallManifest &manifest, PlannedFiles &files)
{
    AgentFileChange change;
    change.path = manifest.absolutePath(entry.path);
    change.kind = entry.kind;
    change.role = entry.role;
    change.jsonPath = entry.jsonPath;
    change.table = entry.table;
    Result<PlannedFiles::State> state = files.read(change.path);
    if (!state.ok())
        return state.error();
    change.existed = state->exists;
    change.before = state->content;
    if (!state->exists) {
        change.action = Action::Unchanged;
        change.note = QStringLiteral("already gone");
        return change;
    }
    if (entry.kind == KindFile) {
        if (sha256(state->content) == entry.sha256) {
            change.action = Action::Remove;
            change.deleteFile = true;
        } else {
            change.action = Action::Keep;
            change.note = QStringLiteral("changed since ktx installed it; left in place");
        }
        return change;
    }
    Result<QByteArray> after = entry.kind == KindJson
        ? AgentInstallJson::remove(state->content, entry.jsonPath,
                                   entry.created                 ? 0
                                       : entry.createdDepth >= 0 ? entry.createdDepth
                                                                 : int(entry.jsonPath.size()) - 1,
                                   change.path)
        : AgentInstallToml::removeTable(state->content, entry.table, change.path);
    if (!after.ok())
        return after.error();
    change.after = *after;
    if (entry.created) {
        // A file ktx created and that holds nothing else now goes entirely.
        const bool empty = entry.kind == KindJson
            ? AgentInstallJson::parse(*after, change.path).value().isEmpty()
            : after->trimmed().isEmpty();
        change.deleteFile = empty;
    }
    change.action
        = change.deleteFile || *after != state->content ? Action::Remove : Action::Unchanged;
    change.note = entry.kind == KindJson
        ? QStringLiteral("removes %1").arg(entry.jsonPath.join(QLatin1Char('.')))
        : QStringLiteral("removes [%1]").arg(entry.table);
    return change;
}

QStringList without(QStringList list, const QSet<QString> &drop)
{
    list.removeIf([&drop](const QString &s) { return drop.contains(s); });
    return list;
}

// Removes entries whose owners are all in `keys`; returns the removal changes.
Result<QList<AgentFileChange>>
releaseEntries(AgentInstallManifest &after, const AgentInstallManifest &before,
               const QSet<QString> &keys, PlannedFiles &files,
               const std::function<bool(const AgentInstallEntry &)> &skip)
{
    QList<AgentFileChange> changes;
    QList<AgentInstallEntry> kept;
    for (const AgentInstallEntry &entry : std::as_const(after.entries)) {
        const QStringList owners = without(entry.owners, keys);
        if (owners.size() == entry.owners.size() || skip(entry)) {
            kept << entry;
            continue;
        }
        if (!owners.isEmpty()) {
            AgentInstallEntry shared = entry;
            shared.owners = owners;
            kept << shared;
            continue;
        }
        Result<AgentFileChange> change = removalOf(entry, before, files);
        if (!change.ok())
            return change.error();
        files.plan(*change);
        changes << *change;
    }
    after.entries = kept;
    return changes;
}

bool manifestChanged(const AgentIntegrationPlan &plan)
{
    AgentInstallManifest probe = plan.after;
    probe.installedAt = plan.before.installedAt;
    const bool beforeOnDisk = QFile::exists(AgentInstallManifest::filePath(plan.before.projectDir));
    if (probe.isEmpty())
        return beforeOnDisk;
    return !beforeOnDisk || probe.toJson() != plan.before.toJson();
}

void removeEmptyParents(const QString &file, const QStringList &stopDirs)
{
    QString dir = QFileInfo(file).absolutePath();
    while (true) {
        bool inside = false;
        for (const QString &stop : stopDirs) {
            if (dir == stop)
                return;
            if (dir.startsWith(stop + QLatin1Char('/')))
                inside = true;
        }
        if (!inside || !QDir(dir).isEmpty() || !QDir().rmdir(dir))
            return;
        dir = QFileInfo(dir).absolutePath();
    }
}

QString utcNow()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
}

} // namespace

bool AgentIntegrationPlan::hasChanges() const
{
    for (const AgentFileChange &c : changes) {
        if (c.action == Action::Create || c.action == Action::Update || c.action == Action::Remove)
            return true;
    }
    return manifestChanged(*this);
}

QStringList AgentIntegration::targets()
{
    return {QStringLiteral("claude-code"), QStringLiteral("codex"), QStringLiteral("cursor"),
            QStringLiteral("opencode"), QStringLiteral("universal")};
}

QString AgentIntegration::targetTitle(const QString &target)
{
    if (is(target, "claude-code"))
        return QStringLiteral("Claude Code");
    if (is(target, "codex"))
        return QStringLiteral("Codex");
    if (is(target, "cursor"))
        return QStringLiteral("Cursor");
    if (is(target, "opencode"))
        return QStringLiteral("OpenCode");
    if (is(target, "universal"))
        return QStringLiteral("Universal (.agents)");
    return target;
}

QStringList AgentIntegration::scopes()
{
    return {QStringLiteral("project"), QStringLiteral("global"), QStringLiteral("local")};
}

QStringList AgentIntegration::modes()
{
    return {QStringLiteral("mcp"), QStringLiteral("mcp-cli")};
}

bool AgentIntegration::supportsScope(const QString &target, const QString &scope)
{
    if (is(scope, "project"))
        return targets().contains(target);
    if (is(scope, "global") || is(scope, "user"))
        return is(target, "claude-code") || is(target, "codex");
    if (is(scope, "local"))
        return is(target, "claude-code");
    return false;
}

QString AgentIntegration::defaultUrl()
{
    return QStringLiteral("http://localhost:7878/mcp");
}

AgentIntegration::Endpoint AgentIntegration::endpoint(const QString &projectDir)
{
    Endpoint result {defaultUrl(), !qEnvironmentVariableIsEmpty("KTX_MCP_TOKEN"), false};
    QFile file(QDir(projectDir).filePath(QStringLiteral(".ktx/mcp.json")));
    if (!file.open(QIODevice::ReadOnly))
        return result;
    const QJsonObject state = QJsonDocument::fromJson(file.read(1024 * 1024)).object();
    QString url = state.value(QStringLiteral("url")).toString();
    if (url.isEmpty() && state.contains(QStringLiteral("port"))) {
        QString host = state.value(QStringLiteral("host")).toString(QStringLiteral("localhost"));
        // A wildcard bind is reached through loopback from this machine.
        if (host.isEmpty() || is(host, "0.0.0.0") || is(host, "::"))
            host = QStringLiteral("localhost");
        QUrl built;
        built.setScheme(QStringLiteral("http"));
        built.setHost(host);
        built.setPort(state.value(QStringLiteral("port")).toInt());
        built.setPath(QStringLiteral("/mcp"));
        url = built.toString();
    }
    if (url.isEmpty())
        return result;
    result.url = url;
    result.tokenAuth = state.value(QStringLiteral("tokenAuth")).toBool();
    result.fromDaemon = true;
    return result;
}

Result<void> AgentIntegration::validate(const AgentIntegrationRequest &request)
{
    const QString scope = is(request.scope, "user") ? QStringLiteral("global") : request.scope;
    if (request.projectDir.isEmpty())
        return makeError(QStringLiteral("usage"), QStringLiteral("No project folder given."));
    if (request.targets.isEmpty())
        return makeError(QStringLiteral("usage"), QStringLiteral("No agent target chosen."),
                         QStringLiteral("Pass --target with one of: %1.")
                             .arg(targets().join(QStringLiteral(", "))));
    if (!scopes().contains(scope))
        return makeError(QStringLiteral("usage"),
                         QStringLiteral("--scope: invalid choice '%1'").arg(request.scope),
                         QStringLiteral("Choose one of: project, user (global), local."));
    if (!modes().contains(request.mode))
        return makeError(QStringLiteral("usage"),
                         QStringLiteral("--mode: invalid choice '%1'").arg(request.mode),
                         QStringLiteral("Choose one of: mcp, mcp-cli."));
    for (const QString &target : request.targets) {
        if (is(target, "claude-desktop"))
            return makeError(
                QStringLiteral("usage"),
                QStringLiteral("Claude Desktop is not available on Linux."),
                QStringLiteral("Choose one of: %1.").arg(targets().join(QStringLiteral(", "))));
        if (!targets().contains(target))
            return makeError(
                QStringLiteral("usage"),
                QStringLiteral("--target: invalid choice '%1'").arg(target),
                QStringLiteral("Choose one of: %1.").arg(targets().join(QStringLiteral(", "))));
        if (!supportsScope(target, scope))
            return makeError(
                QStringLiteral("usage"),
                is(scope, "local")
                    ? QStringLiteral("--local is only supported with --target claude-code.")
                    : QStringLiteral("%1 has no global scope; global scope is supported with "
                                     "claude-code and codex only.")
                          .arg(target),
                QStringLiteral("Install %1 into the project instead (drop --scope user / "
                               "--global).")
                    .arg(target));
    }
    if (!request.url.isEmpty()) {
        const QUrl url(request.url);
        if (!url.isValid()
            || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
            return makeError(QStringLiteral("usage"),
                             QStringLiteral("Not an http(s) URL: %1").arg(request.url));
    }
    return {};
}

Result<AgentIntegrationPlan> AgentIntegration::planInstall(const AgentIntegrationRequest &input)
{
    if (Result<void> valid = validate(input); !valid.ok())
        return valid.error();
    const Resolved resolved = resolve(input);
    const AgentIntegrationRequest &r = resolved.request;
    Result<AgentInstallManifest> loaded = AgentInstallManifest::load(r.projectDir);
    if (!loaded.ok())
        return loaded.error();

    AgentIntegrationPlan plan;
    plan.request = r;
    plan.before = *loaded;
    plan.after = *loaded;
    PlannedFiles files;

    QStringList targetsInOrder;
    for (const QString &t : targets()) {
        if (r.targets.contains(t))
            targetsInOrder << t;
    }
    QSet<QString> keys;
    QList<Desired> desired;
    for (const QString &target : std::as_const(targetsInOrder)) {
        keys.insert(target + QLatin1Char(':') + r.scope);
        for (const Desired &d : desiredFor(r, target)) {
            const auto same = std::find_if(desired.begin(), desired.end(), [&](const Desired &o) {
                return o.path == d.path && o.kind == d.kind && o.jsonPath == d.jsonPath
                    && o.table == d.table;
            });
            if (same != desired.end())
                same->owners << d.owners;
            else
                desired << d;
        }
        plan.snippets << snippetsFor(r, target);
    }

    // What these installs had before and need no more (e.g. mcp-cli files
    // after switching to mcp). A Codex table ktx wrote stays without
    // --write-codex-config: leaving it out is not a request to remove it.
    const auto stillWanted = [&](const AgentInstallEntry &entry) {
        if (entry.kind == KindToml && !r.writeCodexConfig)
            return true;
        return std::any_of(desired.cbegin(), desired.cend(), [&](const Desired &d) {
            return d.entryLike(plan.before).sameTarget(entry);
        });
    };
    Result<QList<AgentFileChange>> released
        = releaseEntries(plan.after, plan.before, keys, files, stillWanted);
    if (!released.ok())
        return released.error();
    plan.changes << *released;

    for (const Desired &d : std::as_const(desired)) {
        AgentInstallEntry like = d.entryLike(plan.before);
        const AgentInstallEntry *previous = plan.before.entry(like);
        Result<PlannedFiles::State> state = files.read(d.path);
        if (!state.ok())
            return state.error();
        AgentFileChange change;
        change.path = d.path;
        change.kind = d.kind;
        change.role = d.role;
        change.jsonPath = d.jsonPath;
        change.table = d.table;
        change.existed = state->exists;
        change.before = state->content;
        if (d.kind == KindFile) {
            change.after = d.content;
            if (!state->exists)
                change.action = Action::Create;
            else if (state->content == d.content)
                change.action = Action::Unchanged;
            else if (previous && sha256(state->content) == previous->sha256)
                change.action = Action::Update;
            else {
                change.action = Action::Keep;
                change.note = previous
                    ? QStringLiteral("edited since ktx wrote it; left as is (delete it and run "
                                     "again for the current text)")
                    : QStringLiteral("exists and was not written by ktx; left as is");
            }
        } else {
            Result<QByteArray> after = d.kind == KindJson
                ? AgentInstallJson::set(state->content, d.jsonPath, d.value, d.path)
                : AgentInstallToml::setTable(state->content, d.table, d.tomlBody, d.path);
            if (!after.ok())
                return after.error();
            change.after = *after;
            change.action = !state->exists ? Action::Create
                : *after == state->content ? Action::Unchanged
                                           : Action::Update;
            change.note = d.kind == KindJson
                ? QStringLiteral("sets %1").arg(d.jsonPath.join(QLatin1Char('.')))
                : QStringLiteral("sets [%1]").arg(d.table);
        }

        QStringList owners = previous ? previous->owners : QStringList();
        for (const QString &o : d.owners) {
            if (!owners.contains(o))
                owners << o;
        }
        change.owners = owners;
        files.plan(change);
        plan.changes << change;

        AgentInstallEntry entry = like;
        entry.role = d.role;
        entry.owners = owners;
        if (change.action == Action::Keep) {
            if (!previous)
                continue; // not ours: not recorded, never removed
            entry = *previous; // removal checks the hash again and keeps it
            entry.owners = owners;
        } else {
            if (d.kind == KindFile)
                entry.sha256 = sha256(d.content);
            else
                entry.created = previous ? previous->created : !state->exists;
            if (d.kind == KindJson) {
                // Objects ktx adds on the way (e.g. "mcpServers") go again on removal.
                const int missing = AgentInstallJson::firstMissing(
                    AgentInstallJson::parse(state->content, d.path).value(), d.jsonPath);
                const int depth = previous ? previous->createdDepth : -1;
                entry.createdDepth = missing < d.jsonPath.size() - 1
                    ? (depth >= 0 ? std::min(depth, missing) : missing)
                    : depth;
            }
        }
        if (AgentInstallEntry *existing = plan.after.entry(entry))
            *existing = entry;
        else
            plan.after.entries << entry;
    }

    for (const QString &target : std::as_const(targetsInOrder)) {
        AgentInstallRecord record;
        record.target = target;
        record.scope = r.scope;
        record.mode = r.mode;
        record.installDir = is(r.scope, "global") ? QString() : r.installDir;
        record.url = r.url;
        record.tokenAuth = r.tokenAuth.value_or(false);
        const auto same
            = std::find_if(plan.after.installs.begin(), plan.after.installs.end(),
                           [&](const AgentInstallRecord &o) { return o.key() == record.key(); });
        if (same != plan.after.installs.end())
            *same = record;
        else
            plan.after.installs << record;
    }

    const QString ktx = r.ktxCommand;
    plan.notes << QStringLiteral("Required before using agents: start the ktx MCP server with "
                                 "`%1 mcp start --project-dir %2` (stop it with `%1 mcp stop "
                                 "--project-dir %2`).")
                      .arg(ktx, r.projectDir);
    if (r.tokenAuth.value_or(false))
        plan.notes << QStringLiteral(
            "The configs send the token from the KTX_MCP_TOKEN environment variable: set it "
            "where the agent starts. ktx never writes the token into a config file.");
    if (r.targets.contains(QStringLiteral("claude-code")) && !is(r.scope, "global")
        && !is(r.scope, "local"))
        plan.notes << QStringLiteral(
                          "Claude Code asks once before it uses a project's .mcp.json server: "
                          "run `claude` in %1 and approve \"ktx\" (or list it under "
                          "enabledMcpjsonServers in .claude/settings.local.json).")
                          .arg(r.installDir);
    if (r.writeCodexConfig && r.targets.contains(QStringLiteral("codex")))
        plan.notes << QStringLiteral("Codex: [%1] is set in %2.")
                          .arg(CodexTable,
                               QDir(r.codexHome).filePath(QStringLiteral("config.toml")));
    plan.notes << QStringLiteral("The instructions point at %1; run `ktx setup --agents` again "
                                 "after moving the CLI or the project.")
                      .arg(ktx);
    return plan;
}

Result<AgentIntegrationPlan> AgentIntegration::planRemove(const QString &projectDir,
                                                          const QStringList &targetList,
                                                          const QString &scope)
{
    const QString wantedScope = is(scope, "user") ? QStringLiteral("global") : scope;
    AgentIntegrationRequest request;
    request.projectDir = QDir::cleanPath(QDir(projectDir).absolutePath());
    request.targets = targetList;
    request.scope = wantedScope;
    Result<AgentInstallManifest> loaded = AgentInstallManifest::load(request.projectDir);
    if (!loaded.ok())
        return loaded.error();
    AgentIntegrationPlan plan;
    plan.removal = true;
    plan.request = request;
    plan.before = *loaded;
    plan.after = *loaded;

    QSet<QString> keys;
    QList<AgentInstallRecord> remaining;
    for (const AgentInstallRecord &record : std::as_const(plan.before.installs)) {
        const bool match = (targetList.isEmpty() || targetList.contains(record.target))
            && (wantedScope.isEmpty() || record.scope == wantedScope);
        if (match)
            keys.insert(record.key());
        else
            remaining << record;
    }
    plan.after.installs = remaining;
    PlannedFiles files;
    Result<QList<AgentFileChange>> released = releaseEntries(
        plan.after, plan.before, keys, files, [](const AgentInstallEntry &) { return false; });
    if (!released.ok())
        return released.error();
    plan.changes = *released;
    if (keys.isEmpty())
        plan.notes << QStringLiteral("Nothing to remove: the manifest lists no such install.");
    return plan;
}

Result<AgentIntegrationPlan> AgentIntegration::apply(const AgentIntegrationPlan &plan)
{
    AgentIntegrationPlan done = plan;
    AgentInstallManifest recorded = plan.before;
    const Resolved resolved = resolve(plan.request);
    bool wrote = false;

    const auto record = [&](const AgentFileChange &change) {
        AgentInstallEntry like;
        like.kind = change.kind;
        like.path = recorded.storedPath(change.path);
        like.jsonPath = change.jsonPath;
        like.table = change.table;
        const AgentInstallEntry *target = plan.after.entry(like);
        AgentInstallEntry *current = recorded.entry(like);
        if (target && current)
            *current = *target;
        else if (target)
            recorded.entries << *target;
        else if (current)
            recorded.entries.removeIf(
                [&like](const AgentInstallEntry &e) { return e.sameTarget(like); });
    };
    const auto saveRecorded = [&]() {
        if (!wrote)
            return;
        recorded.installedAt = utcNow();
        (void)recorded.save();
    };

    for (const AgentFileChange &change : plan.changes) {
        if (change.action != Action::Create && change.action != Action::Update
            && change.action != Action::Remove)
            continue;
        QFile current(change.path);
        const bool exists = current.exists();
        QByteArray content;
        if (exists && current.open(QIODevice::ReadOnly))
            content = current.read(MaxConfigBytes);
        current.close();
        if (exists != change.existed || content != change.before) {
            saveRecorded();
            return makeError(QStringLiteral("agent_config_changed"),
                             QStringLiteral("%1 changed after ktx read it; it was not written.")
                                 .arg(change.path),
                             QStringLiteral("Run the command again to see the current plan."));
        }
        if (change.deleteFile) {
            if (!QFile::remove(change.path)) {
                saveRecorded();
                return makeError(QStringLiteral("write_failed"),
                                 QStringLiteral("Cannot delete %1.").arg(change.path));
            }
            removeEmptyParents(change.path, resolved.stopDirs);
        } else if (Result<void> written = AtomicFile::write(change.path, change.after);
                   !written.ok()) {
            saveRecorded();
            return written.error();
        }
        wrote = true;
        record(change);
    }

    if (wrote || manifestChanged(plan)) {
        done.after.installedAt = utcNow();
        if (Result<void> saved = done.after.save(); !saved.ok())
            return saved.error();
    }
    return done;
}

QString AgentIntegration::actionName(AgentFileChange::Action action)
{
    switch (action) {
    case Action::Create:
        return QStringLiteral("create");
    case Action::Update:
        return QStringLiteral("update");
    case Action::Unchanged:
        return QStringLiteral("unchanged");
    case Action::Remove:
        return QStringLiteral("remove");
    case Action::Keep:
        return QStringLiteral("keep");
    }
    return {};
}

} // namespace ktx
