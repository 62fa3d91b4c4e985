import { ProductTerms } from './events';

/** An insurer offers a new product; it becomes version 1. */
export type PublishProduct = { type: 'PublishProduct'; data: { productId: string; insurerId: string; terms: ProductTerms; now: string } };

/** New terms for new policies; existing policies keep the version they were written on. */
export type ReviseProduct = { type: 'ReviseProduct'; data: { productId: string; insurerId: string; terms: ProductTerms; now: string } };

export type RetireProduct = { type: 'RetireProduct'; data: { productId: string; insurerId: string; now: string } };

export type ProductCommand = PublishProduct | ReviseProduct | RetireProduct;
