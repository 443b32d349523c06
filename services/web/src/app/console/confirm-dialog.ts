import { localize } from '../i18n';

/**
 * Asks the operator to confirm an action in the page's dialog; resolves
 * true on Confirm, false on Cancel or Escape.
 */
export function confirmAction(message: string): Promise<boolean> {
  const dialog = document.getElementById('confirm-dialog') as HTMLDialogElement;
  const text = document.getElementById('confirm-message') as HTMLElement;
  const confirmButton = document.getElementById('confirm-ok') as HTMLButtonElement;
  const cancelButton = document.getElementById('confirm-cancel') as HTMLButtonElement;

  text.textContent = message;
  localize(confirmButton, 'confirm');
  localize(cancelButton, 'cancel');
  dialog.showModal();

  return new Promise((resolve) => {
    const finish = (confirmed: boolean): void => {
      confirmButton.removeEventListener('click', onConfirm);
      cancelButton.removeEventListener('click', onCancel);
      dialog.removeEventListener('close', onClose);
      if (dialog.open) dialog.close();
      resolve(confirmed);
    };
    const onConfirm = (): void => finish(true);
    const onCancel = (): void => finish(false);
    const onClose = (): void => finish(false);

    confirmButton.addEventListener('click', onConfirm);
    cancelButton.addEventListener('click', onCancel);
    dialog.addEventListener('close', onClose);
  });
}
