#pragma once

#include "core/result.h"
#include "ingest/contextoverlay.h"
#include "ingest/ingestreport.h"
#include "project/projectconfig.h"
#include "tools/toolset.h"

#include <QJsonObject>
#include <QMutex>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace ktx {

// What one agent (a work unit, or the reconcile loop) may see and write.
struct IngestToolScope
{
    QString projectDir;
    ProjectConfig config; // connections for sql_execution
    QString runId;
    QString syncId;
    QString sourceKey;
    QString connectionId;
    QString unitKey; // empty for reconcile
    QString rawRoot; // raw-sources/<conn>/<sourceKey>/<syncId> (entity_details reads tables/)
    QStringList allowedRawPaths; // may be cited by writes
    QStringList readableRawPaths; // may be read (allowed + dependencies)
    QStringList allowedConnections; // may receive semantic-layer writes and SQL
    bool reconcile = false; // adds emit_conflict_resolution
    // The wiki user of the run (text memory): its wiki/user/<userId>/ pages are
    // visible over the global ones and writable with scope "user". Empty (ingest
    // units): global pages only.
    QString userId;
};

// The tools an ingest agent works with (names as the original's, ktx-internals
// §2.6), all operating on the agent's ContextOverlay — never on disk. Writes are
// scoped (allowed connections, allowed raw paths to cite), must cite raw
// evidence, and need a verification ledger entry first; a refused write comes
// back to the model as an error with the reason, and every decision is reported.
class IngestToolSession
{
public:
    // tool, path, accepted, reason
    using DecisionSink = std::function<void(const QJsonObject &decision)>;

    IngestToolSession(IngestToolScope scope, std::shared_ptr<ContextOverlay> overlay,
                      DecisionSink decisions = {});

    ToolSet toolSet();

    QList<IngestAction> actions() const;
    QList<ReconciliationRecord> records() const;
    QStringList touchedSources() const; // "connectionId:name", sorted
    int ledgerEntries() const;
    const IngestToolScope &scope() const { return m_scope; }
    ContextOverlay &overlay() const { return *m_overlay; }

    // Problems of the sources this session wrote (empty when all load cleanly).
    QStringList touchedSourceProblems() const;

    // Helpers shared with the gates.
    static QString wikiPath(const QString &key)
    {
        return QStringLiteral("wiki/global/%1.md").arg(key);
    }
    // wiki/user/<userId>/<key>.md, or the global path when userId is empty.
    static QString wikiPath(const QString &key, const QString &userId)
    {
        return userId.isEmpty() ? wikiPath(key)
                                : QStringLiteral("wiki/user/%1/%2.md").arg(userId, key);
    }
    // How reports and MCP name a page: `user/<userId>/<key>`, or the bare key
    // for a global page.
    static QString wikiReportKey(const QString &key, const QString &userId)
    {
        return userId.isEmpty() ? key : QStringLiteral("user/%1/%2").arg(userId, key);
    }
    // The file of source `name` in a connection folder of the overlay, or empty.
    static QString findSourceFile(const ContextOverlay &overlay, const QString &connectionId,
                                  const QString &name);

private:
    // The page a wiki tool call means: its bare key and its user (empty:
    // global). `key` may be bare, global/<key> or user/<userId>/<key>; `scope`
    // is global | user. A bare key without scope reads the user's page when it
    // exists (shadowing), else the global one; a write defaults to global.
    struct WikiTarget
    {
        QString key;
        QString userId;
        QString path;
    };
    Result<WikiTarget> wikiTarget(const QJsonObject &args, bool forWrite) const;

    ToolOutput refuse(const QString &tool, const QString &path, const QString &reason);
    void accept(const QString &tool, const QString &path, const QString &detail);
    std::optional<QString> checkWriteAllowed(const QJsonObject &args, QStringList *rawPaths) const;
    void recordAction(IngestAction action);

    ToolOutput wikiRead(const QJsonObject &args);
    ToolOutput wikiSearch(const QJsonObject &args);
    ToolOutput wikiWrite(const QJsonObject &args);
    ToolOutput wikiRemove(const QJsonObject &args);
    ToolOutput slDiscover(const QJsonObject &args);
    ToolOutput slReadSource(const QJsonObject &args);
    ToolOutput slWriteSource(const QJsonObject &args);
    ToolOutput slEditSource(const QJsonObject &args);
    ToolOutput slValidate(const QJsonObject &args);
    ToolOutput readRawFile(const QJsonObject &args);
    ToolOutput readRawSpan(const QJsonObject &args);
    ToolOutput entityDetails(const QJsonObject &args);
    ToolOutput sqlExecution(const QJsonObject &args, const CancellationToken &cancel);
    ToolOutput recordVerification(const QJsonObject &args);
    ToolOutput emitConflictResolution(const QJsonObject &args);

    IngestToolScope m_scope;
    std::shared_ptr<ContextOverlay> m_overlay;
    DecisionSink m_decisions;
    mutable QMutex m_mutex;
    QList<IngestAction> m_actions;
    QList<ReconciliationRecord> m_records;
    QSet<QString> m_touched;
    int m_ledger = 0;
};

} // namespace ktx
