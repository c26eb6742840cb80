#pragma once

#include "ingest/runstore.h"

#include <QAbstractTableModel>
#include <QList>

namespace ktx {

// Past ingest runs of a project (RunStore rows, newest first) for the run
// browser, filtered by connection, status and free text. Loading or changing
// the filter replaces the list (one reset); that is a user action, not a stream.
class RunListModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        StartedColumn,
        SourceColumn,
        StatusColumn,
        PhaseColumn,
        DiffColumn,
        RunColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        RunIdRole = Qt::UserRole + 1,
        ConnectionRole,
        SourceKeyRole,
        StatusRole,
        StartedAtRole,
        FinishedAtRole,
        FailureRole,
    };
    Q_ENUM(Role)

    explicit RunListModel(QObject *parent = nullptr);

    // Reads the runs from <projectDir>/.ktx/db.sqlite.
    Result<void> load(const QString &projectDir);
    void setRuns(const QList<IngestRunRecord> &runs);
    void clear();

    // Empty strings match everything; text matches run id, job id, source,
    // connection and failure message (case-insensitive).
    void setFilter(const QString &connectionId, const QString &status, const QString &text);

    const IngestRunRecord *run(int row) const;
    int rowOf(const QString &runId) const;
    QStringList connections() const; // of all loaded runs, sorted
    QStringList statuses() const;
    int totalCount() const { return int(m_all.size()); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    bool matches(const IngestRunRecord &run) const;
    void refilter();

    QList<IngestRunRecord> m_all;
    QList<IngestRunRecord> m_shown;
    QString m_connection;
    QString m_status;
    QString m_text;
};

} // namespace ktx
