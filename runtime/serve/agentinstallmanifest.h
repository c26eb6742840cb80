#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace ktx {

// One `ktx setup --agents` install: a target at a scope.
struct AgentInstallRecord
{
    QString target; // claude-code | codex | cursor | opencode | universal
    QString scope; // project | global | local
    QString mode; // mcp | mcp-cli
    QString installDir; // where project-scoped files went (absolute); empty for global
    QString url; // the MCP endpoint the config points at
    bool tokenAuth = false;

    QString key() const { return target + QLatin1Char(':') + scope; } // "codex:project"
};

// Something ktx wrote. `kind` is "file" (ktx owns the whole file),
// "json-key" (one key of a shared JSON file) or "toml-table" (one table of a
// shared TOML file; ours, for `--write-codex-config`).
struct AgentInstallEntry
{
    QString kind;
    QString path; // relative to the project when inside it, else absolute
    QString role; // files: analytics-skill | skill | rule
    QStringList jsonPath; // json-key
    QString table; // toml-table, e.g. "mcp_servers.ktx"
    QString sha256; // files: hex digest of what ktx wrote
    bool created = false; // shared files: ktx created the file (and may delete it when empty)
    int createdDepth = -1; // json-key: index of the first object on jsonPath ktx added; -1 none
    QStringList owners; // install keys that need it, e.g. {"codex:project", "universal:project"}

    bool sameTarget(const AgentInstallEntry &other) const
    {
        return kind == other.kind && path == other.path && jsonPath == other.jsonPath
            && table == other.table;
    }
};

// `.ktx/agents/install-manifest.json`: what `ktx setup --agents` installed,
// so status can say "Agent integration ready: yes (codex:project)" and
// `--remove` can undo exactly that. The shape follows the original
// (`version`, `projectDir`, `installedAt`, `installs[{target, scope, ...}]`,
// `entries[{kind, path, role? | jsonPath}]`); `owners`, `sha256`, `created`
// and `table` are ours.
class AgentInstallManifest
{
public:
    int version = 1;
    QString projectDir;
    QString installedAt; // ISO 8601 UTC; changes only when an install changed something
    QList<AgentInstallRecord> installs;
    QList<AgentInstallEntry> entries;

    static QString filePath(const QString &projectDir);

    // A missing file is an empty manifest; an unreadable one is an error.
    static Result<AgentInstallManifest> load(const QString &projectDir);
    static Result<AgentInstallManifest> fromJson(const QByteArray &json, const QString &fileName);
    QByteArray toJson() const;
    // Writes atomically; with no installs and no entries left, deletes the file.
    Result<void> save() const;

    bool isEmpty() const { return installs.isEmpty() && entries.isEmpty(); }
    const AgentInstallRecord *install(const QString &key) const;
    // The entry for the same file (and key), or null.
    AgentInstallEntry *entry(const AgentInstallEntry &like);
    const AgentInstallEntry *entry(const AgentInstallEntry &like) const;

    // Entry paths: stored relative to projectDir when inside it.
    QString absolutePath(const QString &storedPath) const;
    QString storedPath(const QString &absolutePath) const;
};

} // namespace ktx
