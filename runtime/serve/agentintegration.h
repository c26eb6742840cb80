#pragma once

#include "core/result.h"
#include "serve/agentinstallmanifest.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace ktx {

// What to install (`ktx setup --agents`, the wizard's Agents page).
struct AgentIntegrationRequest
{
    QString projectDir; // absolute; the manifest lives in its .ktx/agents/
    QString installDir; // project/local scope: where project files go; empty = projectDir
    QStringList targets; // AgentIntegration::targets()
    QString scope = QStringLiteral("project"); // project | global | local
    QString mode = QStringLiteral("mcp"); // mcp | mcp-cli
    QString url; // empty: the running daemon's (.ktx/mcp.json), else the default
    std::optional<bool> tokenAuth; // empty: the daemon's setting, else whether KTX_MCP_TOKEN is set
    bool writeCodexConfig = false; // also edit $CODEX_HOME/config.toml ([mcp_servers.ktx])
    QString homeDir; // empty: QDir::homePath()
    QString codexHome; // empty: $CODEX_HOME, else <home>/.codex
    QString ktxCommand; // the CLI rules point at; empty: "ktx"
};

// One file the plan touches.
struct AgentFileChange
{
    enum class Action {
        Create, // the file does not exist yet
        Update, // ktx changes it (its own file, or its key / table in a shared one)
        Unchanged, // already exactly so
        Remove, // ktx deletes its file, or its key / table from a shared one
        Keep, // ktx would change it but leaves it: edited since ktx wrote it, or not ktx's
    };
    QString path; // absolute
    QString kind; // file | json-key | toml-table
    QString role; // files: analytics-skill | skill | rule
    QStringList jsonPath;
    QString table;
    Action action = Action::Unchanged;
    QString note; // why Keep, or what a shared-file change does
    QByteArray before; // the content the plan was made against (empty: no file)
    bool existed = false;
    QByteArray after; // new content; with deleteFile the file goes
    bool deleteFile = false;
    QStringList owners; // install keys that need it after the change
};

// Text to show instead of writing (Codex and OpenCode configs, the universal endpoint).
struct AgentSnippet
{
    QString target;
    QString title; // "Add to ~/.codex/config.toml:"
    QString text;
};

struct AgentIntegrationPlan
{
    AgentIntegrationRequest request; // resolved: dirs, url and tokenAuth filled
    bool removal = false;
    QList<AgentFileChange> changes;
    QList<AgentSnippet> snippets;
    QStringList notes; // "Required before using agents" and client-specific steps
    AgentInstallManifest before;
    AgentInstallManifest after; // what apply() records (installedAt set by apply)

    // True when apply() would write a file or the manifest.
    bool hasChanges() const;
};

// Installs ktx into coding-agent clients: each client's MCP entry (a key in
// its JSON config, a printed snippet, or with writeCodexConfig a table in
// Codex's config.toml) and the instruction files, recorded in
// `.ktx/agents/install-manifest.json`. Planning reads and parses everything
// first; a malformed config file fails the plan, so nothing is written.
// Re-running is idempotent: unchanged files are not rewritten and the
// manifest (installedAt included) stays byte-identical. Removal undoes only
// what the manifest lists: keys and tables from shared files, and ktx's own
// files only while their hash still matches what ktx wrote.
// Plain file I/O, no Qt event loop: call from a worker thread in the GUI.
class AgentIntegration
{
public:
    static QStringList targets(); // claude-code, codex, cursor, opencode, universal
    static QString targetTitle(const QString &target); // "Claude Code"
    static QStringList scopes(); // project, global, local
    static QStringList modes(); // mcp, mcp-cli
    static bool supportsScope(const QString &target, const QString &scope);
    static QString defaultUrl(); // http://localhost:7878/mcp

    struct Endpoint
    {
        QString url;
        bool tokenAuth = false;
        bool fromDaemon = false; // read from .ktx/mcp.json
    };
    // The daemon's endpoint from `.ktx/mcp.json` ({url} or {host, port},
    // {tokenAuth}), else the default with tokenAuth when KTX_MCP_TOKEN is set.
    static Endpoint endpoint(const QString &projectDir);

    static Result<void> validate(const AgentIntegrationRequest &request);
    static Result<AgentIntegrationPlan> planInstall(const AgentIntegrationRequest &request);
    // Removes the installs of `targets` (all when empty) at `scope` (any when empty).
    static Result<AgentIntegrationPlan>
    planRemove(const QString &projectDir, const QStringList &targets, const QString &scope = {});
    // Writes the plan's changes atomically, one file at a time, then the
    // manifest. A file that changed on disk since planning fails the apply
    // before it is touched; what was written until then is still recorded.
    static Result<AgentIntegrationPlan> apply(const AgentIntegrationPlan &plan);

    static QString actionName(AgentFileChange::Action action); // create, update, ...
};

} // namespace ktx
