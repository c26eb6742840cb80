#pragma once

#include <QAbstractListModel>

namespace ktx {

class ReviewSession;

// The files of the run open in a ReviewSession: status, +/- counts and a
// tri-state check per file (accepted, rejected = unchecked, partial when its
// hunks differ or are undecided). Checking a row accepts the whole file,
// unchecking rejects it.
class ReviewFileModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        PathRole = Qt::UserRole + 1,
        StatusRole, // added | modified | deleted ("" until the run is loaded)
        AdditionsRole, // -1 until loaded
        DeletionsRole,
        DecisionRole, // accepted | rejected | partial | undecided
        PreviouslyRejectedRole, // bool: a hunk was refused in an earlier review
        HunkCountRole,
    };

    explicit ReviewFileModel(ReviewSession *session, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString decisionOf(int row) const;

private:
    void reload();
    void refresh(const QString &path);

    ReviewSession *m_session;
    int m_rows = 0;
};

} // namespace ktx
