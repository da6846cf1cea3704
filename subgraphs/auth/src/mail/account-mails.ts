import type { Mail } from './mailer';

/** The emails the auth subgraph sends; links point at the storefront (APP_URL). */
export const accountMails = {
  verifyEmail: (appUrl: string, to: string, token: string): Mail => ({
    to,
    subject: 'Confirm your email address',
    text: `Welcome to the shop!\n\nConfirm your email address by opening this link:\n${appUrl}/verify-email?token=${token}\n\nIf you did not create an account, ignore this email.\n`,
  }),
  resetPassword: (appUrl: string, to: string, token: string): Mail => ({
    to,
    subject: 'Reset your password',
    text: `Someone asked to reset the password of your shop account.\n\nChoose a new password here:\n${appUrl}/reset-password?token=${token}\n\nThe link works once, for a limited time. If it was not you, ignore this email: your password stays as it is.\n`,
  }),
};
