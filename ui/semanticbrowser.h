#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTextBrowser;
class QTreeView;

namespace ktx {

class SemanticSourceModel;
class SourceEditor;

// The "Semantic layer" area: every connection's sources as a tree (columns,
// measures, joins, segments), the selected entry's details, and the YAML editor
// of its source, opened at the entry's line. Sources are read on the thread
// pool; the tree reloads a connection after one of its files is saved.
class SemanticBrowser : public QWidget
{
    Q_OBJECT

public:
    explicit SemanticBrowser(QWidget *parent = nullptr);
    ~SemanticBrowser() override;

    void setProject(const QString &projectDir);
    void clear();
    QString projectDir() const { return m_projectDir; }

    SemanticSourceModel *model() const { return m_model; }
    QTreeView *treeView() const { return m_tree; }
    SourceEditor *sourceEditor() const { return m_editor; }
    QTextBrowser *detailView() const { return m_detail; }
    bool isLoading() const { return m_loading; }

    // Selects a source (and opens its file); false when it is not in the tree.
    bool selectSource(const QString &connectionId, const QString &sourceName);

public Q_SLOTS:
    void reload();

Q_SIGNALS:
    void sourcesShown(); // a load finished and the tree shows its result

private:
    void showDetails(const QModelIndex &index);

    QString m_projectDir;
    quint64 m_generation = 0;
    bool m_loading = false;
    bool m_restoring = false;
    SemanticSourceModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_filter;
    QTreeView *m_tree;
    QLabel *m_emptyLabel;
    QTextBrowser *m_detail;
    SourceEditor *m_editor;
};

} // namespace ktx
