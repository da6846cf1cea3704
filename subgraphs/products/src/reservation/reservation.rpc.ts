import type { RpcServer } from '#kernel';
import { ReservationRef, reservationSubjects, ReserveRequest } from './reservation.messages';
import type { ReservationService } from './reservation.service';

/**
 * Answers the orders domain's reserve/release/commit requests. Service-to-service only:
 * none of it is in the public GraphQL schema.
 */
export function serveReservations(rpc: RpcServer, prefix: string, reservations: ReservationService): void {
  const subjects = reservationSubjects(prefix);
  rpc.serve(subjects.reserve, ReserveRequest, (request) => reservations.reserve(request));
  rpc.serve(subjects.release, ReservationRef, (request) => reservations.release(request.reservationId));
  rpc.serve(subjects.commit, ReservationRef, (request) => reservations.commit(request.reservationId));
}
