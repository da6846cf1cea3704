import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '#kernel';

/** A message to one recipient. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** Options of {@link Mailer}. */
export interface MailerOptions {
  from: string;
  /** SMTP server URL; when absent, messages are written as JSON files to `directory`. */
  smtpUrl?: string;
  /** Where development and tests find the messages (one JSON file each). */
  directory: string;
  log: Logger;
}

/**
 * Sends account emails with nodemailer: over SMTP in production, or into a folder in
 * development and tests, where people and tests read the links. Sending never fails the
 * request that caused it: the user can ask for the email again.
 */
export class Mailer {
  private readonly transport: Transporter;
  private readonly directory?: string;

  constructor(private readonly options: MailerOptions) {
    if (options.smtpUrl) {
      this.transport = nodemailer.createTransport(options.smtpUrl);
    } else {
      this.transport = nodemailer.createTransport({ jsonTransport: true });
      this.directory = resolve(options.directory);
      mkdirSync(this.directory, { recursive: true });
    }
  }

  async send(mail: Mail): Promise<void> {
    try {
      const info = await this.transport.sendMail({ from: this.options.from, ...mail });
      if (this.directory) {
        const file = `${Date.now()}-${randomBytes(4).toString('hex')}.json`;
        writeFileSync(join(this.directory, file), String(info.message));
      }
    } catch (error) {
      this.options.log.error({ error, subject: mail.subject }, 'could not send an email');
    }
  }
}
