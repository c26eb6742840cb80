#include "ingest/contextoverlay.h"

#include <QSet>

namespace ktx {

ContextOverlay::ContextOverlay(BaseTreePtr base)
    : m_base(base ? std::move(base) : std::make_shared<const BaseTree>())
{ }

std::optional<QByteArray> ContextOverlay::read(const QString &path) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_changes.constFind(path);
    if (it != m_changes.cend())
        return it.value();
    const auto b = m_base->constFind(path);
    if (b == m_base->cend())
        return std::nullopt;
    return b.value();
}

void ContextOverlay::write(const QString &path, const QByteArray &bytes)
{
    QMutexLocker lock(&m_mutex);
    m_changes.insert(path, bytes);
}

void ContextOverlay::remove(const QString &path)
{
    QMutexLocker lock(&m_mutex);
    m_changes.insert(path, std::nullopt);
}

QStringList ContextOverlay::list(const QString &prefix) const
{
    QMutexLocker lock(&m_mutex);
    QSet<QString> paths;
    for (auto it = m_base->cbegin(); it != m_base->cend(); ++it)
        if (it.key().startsWith(prefix))
            paths.insert(it.key());
    for (auto it = m_changes.cbegin(); it != m_changes.cend(); ++it) {
        if (!it.key().startsWith(prefix))
            continue;
        if (it.value())
            paths.insert(it.key());
        else
            paths.remove(it.key());
    }
    QStringList out(paths.cbegin(), paths.cend());
    out.sort();
    return out;
}

QList<FileImage> ContextOverlay::images() const
{
    QMutexLocker lock(&m_mutex);
    QList<FileImage> out;
    for (auto it = m_changes.cbegin(); it != m_changes.cend(); ++it) {
        const auto b = m_base->constFind(it.key());
        std::optional<QByteArray> before;
        if (b != m_base->cend())
            before = b.value();
        if (before == it.value())
            continue; // written back to what it was
        out << FileImage {it.key(), before, it.value()};
    }
    return out;
}

BaseTreePtr ContextOverlay::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    auto next = std::make_shared<BaseTree>(*m_base);
    for (auto it = m_changes.cbegin(); it != m_changes.cend(); ++it) {
        if (it.value())
            next->insert(it.key(), *it.value());
        else
            next->remove(it.key());
    }
    return next;
}

} // namespace ktx
