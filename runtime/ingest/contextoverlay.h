#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace ktx {

// One file a unit (or the run) changed: its bytes before and after.
// nullopt before = created; nullopt after = deleted.
struct FileImage
{
    QString path;
    std::optional<QByteArray> before;
    std::optional<QByteArray> after;
};

// The files of a commit, read once and shared read-only between threads.
using BaseTree = QHash<QString, QByteArray>;
using BaseTreePtr = std::shared_ptr<const BaseTree>;

// In-memory files over a base tree: reads fall through to the base, writes and
// deletes stay here. Work units write only to their overlay, never to disk, so
// units run in parallel, can be cancelled at any moment and are cached as the
// file images they produce. Thread-safe (tools of one loop may run in parallel).
class ContextOverlay
{
public:
    explicit ContextOverlay(BaseTreePtr base);

    std::optional<QByteArray> read(const QString &path) const;
    bool exists(const QString &path) const { return read(path).has_value(); }
    void write(const QString &path, const QByteArray &bytes);
    void remove(const QString &path);
    // Files under a folder prefix ("wiki/global/"), base and overlay merged, sorted.
    QStringList list(const QString &prefix) const;

    // Paths whose content differs from the base, with before/after, sorted.
    QList<FileImage> images() const;
    // The base with this overlay's changes applied: the base of the next layer.
    BaseTreePtr snapshot() const;
    const BaseTreePtr &base() const { return m_base; }

private:
    BaseTreePtr m_base;
    mutable QMutex m_mutex;
    QMap<QString, std::optional<QByteArray>> m_changes; // nullopt = deleted
};

} // namespace ktx
