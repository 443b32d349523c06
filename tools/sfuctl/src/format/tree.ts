/** A labelled node of a printed tree. */
export interface TreeNode {
  label: string;
  children?: TreeNode[];
}

/** Formats a tree with box-drawing branches, the root label on the first line. */
export function formatTree(root: TreeNode): string {
  const lines = [root.label];
  appendChildren(lines, root.children ?? [], '');
  return lines.join('\n') + '\n';
}

function appendChildren(lines: string[], children: TreeNode[], indent: string): void {
  children.forEach((child, index) => {
    const last = index === children.length - 1;
    lines.push(`${indent}${last ? '└─ ' : '├─ '}${child.label}`);
    appendChildren(lines, child.children ?? [], indent + (last ? '   ' : '│  '));
  });
}
