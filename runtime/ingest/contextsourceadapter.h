#pragma once

#include "ingest/contextsourcecheckout.h"
#include "ingest/ingestsourceadapter.h"
#include "sources/contextsource.h"

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVariantMap>

#include <optional>

namespace ktx {

// A context source (dbt, MetricFlow, LookML; ktx-spec §9.3) on the enriched
// pipeline. Built from the acquired location (ContextSourceCheckout) and the
// driver's parser. Its projection is the deterministic part: the files the
// parser read staged as raw-sources/<connectionId>/<driver>/<syncId>/ in place
// of the previous sync (the previous sync id is kept when nothing changed),
// and the parser's extraction onto semantic-layer/<warehouse>/ and wiki/.
// Its units are the model's part, planned per driver from the staged evidence
// as the original plans them; they may write the warehouse's semantic layer only.
class ContextSourceAdapter : public IngestSourceAdapter
{
public:
    ContextSourceAdapter(QString connectionId, QString driver, QString warehouseConnectionId,
                         ContextSourceCheckout::Location location, QString jobId);
    // The source connection's own keys as ktx.yaml has them (e.g. LookML's
    // expectedLookerConnectionName), handed to the parser's extraction.
    void setConnectionFields(const QVariantMap &fields) { m_connectionFields = fields; }

    // raw-sources/<connectionId>/<driver>
    static QString rawFolder(const QString &connectionId, const QString &driver);

    // Planning, per driver, over the files of a sync folder (paths inside it ->
    // bytes) and the changed paths; public for tests.
    static QList<WorkUnit> planDbt(const QMap<QString, QByteArray> &files, const QString &syncDir,
                                   const QStringList &changed);
    static QList<WorkUnit> planMetricFlow(const QMap<QString, QByteArray> &files,
                                          const QString &syncDir, const QStringList &changed);
    static QList<WorkUnit> planLookml(const QMap<QString, QByteArray> &files,
                                      const QString &syncDir, const QStringList &changed);
    // Above this many properties YAML files, dbt plans one unit per file.
    static constexpr int DbtSingleUnitLimit = 25;

    QString sourceKey() const override { return m_driver; }
    Result<QString> latestSync(const BaseTree &base, const QString &connectionId) const override;
    QList<WorkUnit> plan(const BaseTree &base, const QString &syncDir,
                         const IngestDiff &diff) const override;
    QString skillPrompt() const override;
    Result<IngestProjection> projection(const BaseTree &base) override;
    QStringList targetConnections() const override { return {m_warehouse}; }
    QJsonObject sourceReport() const override;

    // After projection: what the parser found, the sync the run stages, and
    // how the evidence compares with the previous sync (relative paths).
    const ContextSourceReport &report() const { return m_report; }
    QString syncId() const { return m_syncId; }
    bool evidenceChanged() const { return m_evidenceChanged; }
    int evidenceAdded() const { return m_evidenceAdded; }
    int evidenceModified() const { return m_evidenceModified; }
    int evidenceDeleted() const { return m_evidenceDeleted; }
    // The error projection returned, with its code (the run keeps only the text).
    const std::optional<Error> &error() const { return m_error; }

private:
    QString m_connectionId;
    QString m_driver;
    QString m_warehouse;
    ContextSourceCheckout::Location m_location;
    QVariantMap m_connectionFields;
    QString m_jobId;
    ContextSourceReport m_report;
    QString m_syncId;
    bool m_evidenceChanged = false;
    int m_evidenceAdded = 0;
    int m_evidenceModified = 0;
    int m_evidenceDeleted = 0;
    std::optional<Error> m_error;
};

} // namespace ktx
