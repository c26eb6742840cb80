#include "recentprojectsmodel.h"

#include "project/projectlocator.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace ktx {

RecentProjectsModel::RecentProjectsModel(QObject *parent)
    : RecentProjectsModel(QStringLiteral("recentProjects"), parent)
{ }

RecentProjectsModel::RecentProjectsModel(const QString &settingsKey, QObject *parent)
    : QAbstractListModel(parent)
    , m_settingsKey(settingsKey)
{
    load();
}

int RecentProjectsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_paths.size());
}

QVariant RecentProjectsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QString &path = m_paths.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole: {
        const QString name = QFileInfo(path).fileName();
        return name.isEmpty() ? path : name;
    }
    case Qt::ToolTipRole:
    case PathRole:
        return QDir::toNativeSeparators(path);
    default:
        return {};
    }
}

QHash<int, QByteArray> RecentProjectsModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(PathRole, "path");
    names.insert(NameRole, "name");
    return names;
}

void RecentProjectsModel::add(const QString &path)
{
    const QString clean = normalizedPath(path);
    if (clean.isEmpty())
        return;
    const int existing = int(m_paths.indexOf(clean));
    if (existing == 0)
        return;
    if (existing > 0) {
        beginMoveRows(QModelIndex(), existing, existing, QModelIndex(), 0);
        m_paths.move(existing, 0);
        endMoveRows();
    } else {
        beginInsertRows(QModelIndex(), 0, 0);
        m_paths.prepend(clean);
        endInsertRows();
        if (m_paths.size() > MaxEntries) {
            beginRemoveRows(QModelIndex(), MaxEntries, int(m_paths.size()) - 1);
            m_paths.resize(MaxEntries);
            endRemoveRows();
        }
        Q_EMIT countChanged();
    }
    save();
}

bool RecentProjectsModel::remove(const QString &path)
{
    const int row = int(m_paths.indexOf(normalizedPath(path)));
    if (row < 0)
        return false;
    removePathAt(row);
    Q_EMIT countChanged();
    save();
    return true;
}

void RecentProjectsModel::clear()
{
    if (m_paths.isEmpty())
        return;
    beginRemoveRows(QModelIndex(), 0, int(m_paths.size()) - 1);
    m_paths.clear();
    endRemoveRows();
    Q_EMIT countChanged();
    save();
}

int RecentProjectsModel::prune()
{
    int removed = 0;
    for (int row = int(m_paths.size()) - 1; row >= 0; --row) {
        if (!QFileInfo::exists(ProjectLocator::configPath(m_paths.at(row)))) {
            removePathAt(row);
            ++removed;
        }
    }
    if (removed > 0) {
        Q_EMIT countChanged();
        save();
    }
    return removed;
}

QString RecentProjectsModel::normalizedPath(const QString &path)
{
    if (path.trimmed().isEmpty())
        return {};
    return QDir::cleanPath(QFileInfo(path.trimmed()).absoluteFilePath());
}

void RecentProjectsModel::load()
{
    const QStringList stored = QSettings().value(m_settingsKey).toStringList();
    QStringList paths;
    for (const QString &entry : stored) {
        const QString clean = normalizedPath(entry);
        if (!clean.isEmpty() && !paths.contains(clean))
            paths.append(clean);
        if (paths.size() == MaxEntries)
            break;
    }
    m_paths = paths;
}

void RecentProjectsModel::save() const
{
    QSettings().setValue(m_settingsKey, m_paths);
}

void RecentProjectsModel::removePathAt(int row)
{
    beginRemoveRows(QModelIndex(), row, row);
    m_paths.removeAt(row);
    endRemoveRows();
}

} // namespace ktx
