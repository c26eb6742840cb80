#pragma once

#include <QAbstractListModel>
#include <QStringList>

namespace ktx {

// Recently opened projects, most recent first, persisted in QSettings under
// "recentProjects". Paths are stored clean and absolute, so one folder never
// appears twice however it was typed.
class RecentProjectsModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    static constexpr int MaxEntries = 10;

    enum Role {
        PathRole = Qt::UserRole + 1, // clean absolute folder path
        NameRole, // folder name
    };
    Q_ENUM(Role)

    explicit RecentProjectsModel(QObject *parent = nullptr);
    // settingsKey: the QSettings key to use; tests pass their own.
    RecentProjectsModel(const QString &settingsKey, QObject *parent);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    QStringList paths() const { return m_paths; }
    QString pathAt(int row) const { return m_paths.value(row); }

    // Puts path at the top (moving it there if it is already listed) and drops
    // the oldest entry beyond MaxEntries.
    void add(const QString &path);
    bool remove(const QString &path);
    void clear();
    // Removes entries whose ktx.yaml no longer exists; returns how many. A stat
    // per entry, at most MaxEntries: cheap enough for the GUI thread.
    int prune();

    static QString normalizedPath(const QString &path);

Q_SIGNALS:
    void countChanged();

private:
    void load();
    void save() const;
    void removePathAt(int row);

    QString m_settingsKey;
    QStringList m_paths;
};

} // namespace ktx
