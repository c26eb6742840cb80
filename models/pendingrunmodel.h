#pragma once

#include <QAbstractListModel>

namespace ktx {

class ReviewSession;

// The runs waiting for review (ReviewSession::pendingRuns), newest first: run
// id, source, when it started, files and +/- counts.
class PendingRunModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        RunIdRole = Qt::UserRole + 1,
        SourceKeyRole,
        StartedAtRole, // QDateTime, UTC
        FilesRole,
        AdditionsRole,
        DeletionsRole,
    };

    explicit PendingRunModel(ReviewSession *session, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    int rowOf(const QString &runId) const;

private:
    ReviewSession *m_session;
    int m_rows = 0;
};

} // namespace ktx
