#pragma once

#include <QAbstractListModel>
#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <utility>

namespace ktx {

// Base for models whose rows are value structs with a stable key. updateRows()
// turns "here is the new list" into the smallest set of fine-grained signals a
// view needs: removed keys -> rowsRemoved, new keys -> rowsInserted, reordered
// keys -> rowsMoved, changed values -> dataChanged for that row only. It never
// resets, so selections, scroll positions and per-row widgets survive updates.
template<typename T, typename Base = QAbstractListModel> class KeyedRowModel : public Base
{
public:
    using KeyFunction = std::function<QString(const T &)>;
    using EqualFunction = std::function<bool(const T &, const T &)>;

    using Base::Base;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override
    {
        return parent.isValid() ? 0 : int(m_rows.size());
    }

    const QList<T> &rows() const { return m_rows; }

protected:
    const T *rowAt(const QModelIndex &index) const
    {
        if (!this->checkIndex(index,
                              QAbstractItemModel::CheckIndexOption::IndexIsValid
                                  | QAbstractItemModel::CheckIndexOption::ParentIsInvalid))
            return nullptr;
        return &m_rows.at(index.row());
    }

    void updateRows(const QList<T> &next, const KeyFunction &key, const EqualFunction &equal)
    {
        removeVanishedRows(next, key);

        // Every key still in m_rows also occurs in next (as often or more), so a
        // single forward pass can match, move or insert each position.
        QHash<QString, int> available;
        for (const T &row : std::as_const(m_rows))
            ++available[key(row)];

        qsizetype i = 0;
        while (i < next.size()) {
            const QString k = key(next.at(i));
            if (available.value(k) == 0) {
                qsizetype end = i + 1;
                while (end < next.size() && available.value(key(next.at(end))) == 0)
                    ++end;
                this->beginInsertRows(QModelIndex(), int(i), int(end - 1));
                for (qsizetype n = i; n < end; ++n)
                    m_rows.insert(n, next.at(n));
                this->endInsertRows();
                i = end;
                continue;
            }
            if (key(m_rows.at(i)) != k) {
                qsizetype from = i + 1;
                while (key(m_rows.at(from)) != k)
                    ++from;
                this->beginMoveRows(QModelIndex(), int(from), int(from), QModelIndex(), int(i));
                m_rows.move(from, i);
                this->endMoveRows();
            }
            --available[k];
            if (!equal(m_rows.at(i), next.at(i))) {
                m_rows[i] = next.at(i);
                // Through the base: QAbstractListModel hides columnCount().
                const auto *model = static_cast<const QAbstractItemModel *>(this);
                const int lastColumn = qMax(0, model->columnCount(QModelIndex()) - 1);
                Q_EMIT this->dataChanged(this->index(int(i), 0), this->index(int(i), lastColumn));
            }
            ++i;
        }
    }

private:
    void removeVanishedRows(const QList<T> &next, const KeyFunction &key)
    {
        QHash<QString, int> wanted;
        for (const T &row : next)
            ++wanted[key(row)];
        QList<bool> keep(m_rows.size(), false);
        for (qsizetype r = 0; r < m_rows.size(); ++r) {
            int &count = wanted[key(m_rows.at(r))];
            if (count > 0) {
                --count;
                keep[r] = true;
            }
        }
        // Remove contiguous ranges from the back so earlier row numbers stay valid.
        qsizetype r = m_rows.size() - 1;
        while (r >= 0) {
            if (keep.at(r)) {
                --r;
                continue;
            }
            const qsizetype last = r;
            while (r > 0 && !keep.at(r - 1))
                --r;
            this->beginRemoveRows(QModelIndex(), int(r), int(last));
            m_rows.remove(r, last - r + 1);
            this->endRemoveRows();
            --r;
        }
    }

    QList<T> m_rows;
};

} // namespace ktx
