#include "models/reviewfilemodel.h"

#include "models/reviewsession.h"

namespace ktx {

ReviewFileModel::ReviewFileModel(ReviewSession *session, QObject *parent)
    : QAbstractListModel(parent)
    , m_session(session)
{
    // The file list is replaced as a whole only when a run is listed or fully
    // loaded; decisions change single rows.
    connect(session, &ReviewSession::filesListed, this, &ReviewFileModel::reload);
    connect(session, &ReviewSession::reviewLoaded, this, &ReviewFileModel::reload);
    connect(session, &ReviewSession::decisionsChanged, this, &ReviewFileModel::refresh);
    // A failed open leaves the session without files; rows of the old ones go.
    connect(session, &ReviewSession::openFailed, this, [this] {
        if (m_rows != m_session->files().size())
            reload();
    });
}

void ReviewFileModel::reload()
{
    beginResetModel();
    m_rows = int(m_session->files().size());
    endResetModel();
}

void ReviewFileModel::refresh(const QString &path)
{
    if (m_rows != m_session->files().size()) {
        reload();
        return;
    }
    if (m_rows == 0)
        return;
    const int row = path.isEmpty() ? -1 : m_session->indexOf(path);
    if (row < 0)
        Q_EMIT dataChanged(index(0), index(m_rows - 1));
    else
        Q_EMIT dataChanged(index(row), index(row));
}

int ReviewFileModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

QString ReviewFileModel::decisionOf(int row) const
{
    if (row < 0 || row >= m_session->files().size())
        return {};
    const ReviewFile &file = m_session->files().at(row);
    if (file.diff.binary || file.hunks.isEmpty())
        return !file.accepted
            ? QStringLiteral("undecided")
            : (*file.accepted ? QStringLiteral("accepted") : QStringLiteral("rejected"));
    int accepted = 0, rejected = 0;
    for (const ReviewHunk &h : file.hunks) {
        if (h.accepted && *h.accepted)
            ++accepted;
        else if (h.accepted)
            ++rejected;
    }
    if (accepted == file.hunks.size())
        return QStringLiteral("accepted");
    if (rejected == file.hunks.size())
        return QStringLiteral("rejected");
    if (accepted + rejected == 0)
        return QStringLiteral("undecided");
    return QStringLiteral("partial");
}

QVariant ReviewFileModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)
        || index.row() >= m_session->files().size())
        return {};
    const ReviewFile &file = m_session->files().at(index.row());
    const bool loaded = m_session->isLoaded();
    bool previouslyRejected = false;
    for (const ReviewHunk &h : file.hunks)
        previouslyRejected = previouslyRejected || h.previouslyRejected;
    switch (role) {
    case Qt::DisplayRole:
    case PathRole:
        return file.diff.path;
    case Qt::ToolTipRole: {
        QString tip = file.diff.path;
        if (loaded)
            tip += tr("\n%1, +%2 −%3, %4 hunk(s): %5")
                       .arg(FileDiff::statusName(file.diff.status))
                       .arg(file.diff.additions())
                       .arg(file.diff.deletions())
                       .arg(file.hunks.size())
                       .arg(decisionOf(index.row()));
        if (previouslyRejected)
            tip += tr("\nA change in this file was refused in an earlier review.");
        return tip;
    }
    case StatusRole:
        return loaded ? FileDiff::statusName(file.diff.status) : QString();
    case AdditionsRole:
        return loaded ? file.diff.additions() : -1;
    case DeletionsRole:
        return loaded ? file.diff.deletions() : -1;
    case DecisionRole:
        return loaded ? decisionOf(index.row()) : QStringLiteral("undecided");
    case PreviouslyRejectedRole:
        return previouslyRejected;
    case HunkCountRole:
        return int(file.hunks.size());
    case Qt::CheckStateRole: {
        if (m_session->isReadOnly())
            return {}; // nothing to decide: no check box
        if (!loaded)
            return Qt::PartiallyChecked;
        const QString d = decisionOf(index.row());
        return d == QLatin1String("accepted")
            ? Qt::Checked
            : (d == QLatin1String("rejected") ? Qt::Unchecked : Qt::PartiallyChecked);
    }
    default:
        return {};
    }
}

bool ReviewFileModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::CheckStateRole || !index.isValid() || !m_session->isLoaded()
        || m_session->isReadOnly())
        return false;
    // A click cycles the user-facing states; partial is never set by hand.
    const auto state = Qt::CheckState(value.toInt());
    const bool accept = state == Qt::Checked
        || (state == Qt::PartiallyChecked && decisionOf(index.row()) != QLatin1String("accepted"));
    m_session->decide(m_session->files().at(index.row()).diff.path, -1, accept);
    return true;
}

Qt::ItemFlags ReviewFileModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractListModel::flags(index);
    if (index.isValid() && m_session->isLoaded() && !m_session->isReadOnly())
        f |= Qt::ItemIsUserCheckable;
    return f;
}

QHash<int, QByteArray> ReviewFileModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(PathRole, "path");
    names.insert(StatusRole, "status");
    names.insert(AdditionsRole, "additions");
    names.insert(DeletionsRole, "deletions");
    names.insert(DecisionRole, "decision");
    names.insert(PreviouslyRejectedRole, "previouslyRejected");
    names.insert(HunkCountRole, "hunkCount");
    return names;
}

} // namespace ktx
